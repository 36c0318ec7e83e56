"""metagov.v1.Actions: PerformAction with every failure status of the issue."""

import grpc

from helpers import fails, start_poll, vote

NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT,
                                                    grpc.StatusCode.FAILED_PRECONDITION)


def test_randomness_actions(client):
    client.create_community("C", slug="c")
    client.enable_plugin("c", "randomness", {"default_low": 1, "default_high": 4})
    values = {client.perform_action("c", "randomness", "random-int")["value"] for _ in range(40)}
    assert values <= {1, 2, 3} and len(values) >= 2
    for _ in range(20):
        assert 10 <= client.perform_action("c", "randomness", "random-int", {"low": 10, "high": 12})["value"] < 12
    assert client.perform_action("c", "randomness", "random-int", {"low": -5, "high": -4}) == {"value": -5}
    big = 2**40
    assert client.perform_action("c", "randomness", "random-int", {"low": big, "high": big + 1}) == {"value": big}
    assert client.perform_action("c", "randomness", "set-lucky-number", {"lucky_number": 9}) == {"lucky_number": 9}


def test_failures(client):
    client.create_community("C", slug="c")
    error = fails(lambda: client.perform_action("c", "randomness", "random-int"), FAILED_PRECONDITION, "randomness")
    assert "not enabled" in error.details
    client.enable_plugin("c", "randomness", {"default_low": 1, "default_high": 7})
    error = fails(lambda: client.perform_action("c", "randomness", "set-lucky-number", {"lucky_number": "x"}),
                  INVALID_ARGUMENT, "/lucky_number")
    assert error.details.startswith("Validation error")
    error = fails(lambda: client.perform_action("c", "randomness", "set-lucky-number"), INVALID_ARGUMENT,
                  "lucky_number")
    assert error.details.startswith("Validation error")
    fails(lambda: client.perform_action("c", "randomness", "fly"), NOT_FOUND, "randomness.fly")
    fails(lambda: client.perform_action("c", "nope", "fly"), NOT_FOUND, "nope")
    fails(lambda: client.perform_action("zz", "randomness", "random-int"), NOT_FOUND, "zz")
    # The plugin's own refusal of the caller's input.
    fails(lambda: client.perform_action("c", "randomness", "random-int", {"low": 5, "high": 1}), INVALID_ARGUMENT,
          "low (5) must be less than high (1)")


def test_poll_cast_vote(client):
    process = start_poll(client)
    result = vote(client, process["id"], "ann", "b")
    assert result == {"process_id": process["id"], "status": "pending",
                      "outcome": {"votes": {"a": 0, "b": 1}, "voter_count": 1}}
    fails(lambda: vote(client, process["id"], "bob", "pizza"), INVALID_ARGUMENT, "pizza")
    error = fails(lambda: client.perform_action("c", "poll", "cast-vote", {"process_id": process["id"], "voter": "x",
                                                                           "option": "a", "extra": 1}),
                  INVALID_ARGUMENT)
    assert error.details.startswith("Validation error")
    fails(lambda: vote(client, 999, "bob"), NOT_FOUND, "999")
    client.close_process(process["id"])
    fails(lambda: vote(client, process["id"], "late"), FAILED_PRECONDITION, "closed")
