"""metagov.v1.Processes: every RPC with its failures, WatchProcess to completion."""

import grpc
import pytest

from helpers import eventually, fails, start_poll, take, vote

NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT,
                                                    grpc.StatusCode.FAILED_PRECONDITION)
PENDING, COMPLETED = "PROCESS_STATUS_PENDING", "PROCESS_STATUS_COMPLETED"


def test_start_get_close(client):
    process = start_poll(client)
    assert process["id"] > 0 and process["community"] == "c" and process["plugin"] == "poll"
    assert process["name"] == "vote" and process["status"] == PENDING
    assert process["outcome"] == {"votes": {"a": 0, "b": 0}, "voter_count": 0}
    assert process["created_at"] and process["updated_at"]
    assert client.get_process(process["id"]) == process
    vote(client, process["id"], "ann", "b")
    closed = client.close_process(process["id"])
    assert closed["status"] == COMPLETED and closed["outcome"]["winner"] == "b"
    assert client.get_process(process["id"])["status"] == COMPLETED
    # Closing a completed process.
    fails(lambda: client.close_process(process["id"]), FAILED_PRECONDITION, str(process["id"]))


def test_failures(client):
    client.create_community("C", slug="c")
    fails(lambda: client.start_process("c", "poll", "vote", {"title": "T", "options": ["a", "b"]}),
          FAILED_PRECONDITION, "poll")
    client.enable_plugin("c", "poll")
    fails(lambda: client.start_process("c", "poll", "referendum"), NOT_FOUND, "poll.referendum")
    fails(lambda: client.start_process("c", "nope", "vote"), NOT_FOUND, "nope")
    fails(lambda: client.start_process("zz", "poll", "vote", {"title": "T", "options": ["a", "b"]}), NOT_FOUND, "zz")
    error = fails(lambda: client.start_process("c", "poll", "vote", {"title": ""}), INVALID_ARGUMENT)
    assert error.details.startswith("Validation error") and "/title" in error.details
    error = fails(lambda: client.start_process("c", "poll", "vote", {"title": "T", "options": ["a", "a"]}),
                  INVALID_ARGUMENT, "/options")
    assert error.details.startswith("Validation error")
    # The plugin's own refusal (start throws): nothing is kept.
    fails(lambda: client.start_process("c", "poll", "vote", {"title": "T", "options": ["a", "b"],
                                                              "closing_at": "2001-01-01T00:00:00Z"}),
          INVALID_ARGUMENT, "in the past")
    assert client.list_processes(community="c")["processes"] == []
    fails(lambda: client.get_process(999), NOT_FOUND, "999")
    fails(lambda: client.close_process(998), NOT_FOUND, "998")
    fails(lambda: client.list_processes(community="zz"), NOT_FOUND, "zz")
    fails(lambda: client.list_processes(page_size=-1), INVALID_ARGUMENT, "page_size")
    with pytest.raises(ValueError):
        client.list_processes(status="sleeping")


def test_list_filters_and_pages(client):
    polls = [start_poll(client, title=f"P{n}") for n in range(4)]
    client.enable_plugin("c", "randomness", {"default_low": 0, "default_high": 2})
    chance = client.start_process("c", "randomness", "delayed-stochastic-vote", {"options": ["x"], "delay": 60})
    client.close_process(polls[0]["id"])
    start_poll(client, community="d")

    def ids(**filters):
        found, token = [], ""
        while True:
            page = client.list_processes(page_size=2, page_token=token, **filters)
            found += [p["id"] for p in page["processes"]]
            token = page["next_page_token"]
            if not token:
                return sorted(found)

    poll_ids = sorted(p["id"] for p in polls)
    assert ids(community="c") == sorted(poll_ids + [chance["id"]])
    assert ids(community="c", plugin="poll") == poll_ids
    assert ids(community="c", process="delayed-stochastic-vote") == [chance["id"]]
    assert ids(community="c", status="completed") == [polls[0]["id"]]
    assert ids(community="c", plugin="poll", status="pending") == poll_ids[1:]
    assert len(ids()) == 6


def test_quorum_completes_a_vote(client):
    process = start_poll(client, quorum=2)
    assert vote(client, process["id"], "ann")["status"] == "pending"
    assert vote(client, process["id"], "bob")["status"] == "completed"
    done = client.get_process(process["id"])
    assert done["status"] == COMPLETED and done["outcome"] == {"votes": {"a": 2, "b": 0}, "voter_count": 2,
                                                               "winner": "a"}


def test_watch_process_to_completion(client):
    process = start_poll(client, quorum=2)
    with client.watch_process(process["id"]) as stream:
        [first] = take(stream, 1)
        assert first["id"] == process["id"] and first["status"] == PENDING
        vote(client, process["id"], "x", "a")
        [second] = take(stream, 1)
        assert second["status"] == PENDING and second["outcome"]["voter_count"] == 1
        vote(client, process["id"], "y", "a")
        rest = take(stream, 1)
        assert rest[-1]["status"] == COMPLETED and rest[-1]["outcome"]["winner"] == "a"
        # The stream ends after completion.
        assert list(stream) == []
    # Watching a completed process: its state, then the end.
    states = list(client.watch_process(process["id"], timeout=10))
    assert [s["status"] for s in states] == [COMPLETED]
    fails(lambda: next(client.watch_process(4242)), NOT_FOUND, "4242")


def test_scheduler_completes_a_delayed_vote(client):
    client.create_community("C", slug="c")
    client.enable_plugin("c", "randomness", {"default_low": 0, "default_high": 2})
    process = client.start_process("c", "randomness", "delayed-stochastic-vote", {"options": ["x", "y"], "delay": 0})
    states = list(client.watch_process(process["id"], timeout=15))
    assert states[-1]["status"] == COMPLETED and states[-1]["outcome"]["winner"] in {"x", "y"}
    assert eventually(lambda: client.get_process(process["id"])["status"] == COMPLETED)
    fails(lambda: client.close_process(process["id"]), FAILED_PRECONDITION)
