"""metagov.v1.Plugins: every RPC with its failures."""

import hashlib
import hmac
import json

import grpc

from helpers import fails, take

NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT,
                                                    grpc.StatusCode.FAILED_PRECONDITION)


def test_list_plugin_types(client):
    types = {t["name"]: t for t in client.list_plugin_types()}
    assert {"randomness", "poll", "inbound"} <= set(types)
    randomness = types["randomness"]
    assert randomness["config_schema"]["required"] == ["default_low", "default_high"]
    actions = {a["slug"]: a for a in randomness["actions"]}
    assert set(actions) == {"set-lucky-number", "random-int"}
    assert actions["random-int"]["is_public"] and not actions["set-lucky-number"]["is_public"]
    assert actions["set-lucky-number"]["input_schema"]["required"] == ["lucky_number"]
    assert [p["name"] for p in randomness["processes"]] == ["delayed-stochastic-vote"]
    poll = types["poll"]
    assert poll["event_types"] == ["vote_cast"]
    assert [a["slug"] for a in poll["actions"]] == ["cast-vote"]
    vote = poll["processes"][0]
    assert vote["name"] == "vote" and vote["can_close"] and vote["input_schema"]["required"] == ["title", "options"]
    assert types["inbound"]["community_platform_id_key"] == "platform_id"


def test_enable_list_disable(client):
    client.create_community("C", slug="c")
    instance = client.enable_plugin("c", "randomness", {"default_low": 1, "default_high": 7})
    assert instance["id"] > 0 and instance["name"] == "randomness" and instance["community"] == "c"
    assert instance["config"] == {"default_low": 1, "default_high": 7} and instance["community_platform_id"] == ""
    # Enabling again updates the configuration of the same instance.
    again = client.enable_plugin("c", "randomness", {"default_low": 2, "default_high": 9})
    assert again["id"] == instance["id"] and again["config"] == {"default_low": 2, "default_high": 9}
    poll = client.enable_plugin("c", "poll")
    # Schema defaults are filled in.
    inbound = client.enable_plugin("c", "inbound", {"secret": "k", "platform_id": "gh-1"})
    assert inbound["config"]["signature_header"] == "x-hub-signature-256"
    assert inbound["community_platform_id"] == "gh-1"
    listed = {p["name"]: p for p in client.list_plugins("c")}
    assert set(listed) == {"randomness", "poll", "inbound"} and listed["poll"]["id"] == poll["id"]
    assert {p["name"] for p in client.get_community("c")["plugins"]} == set(listed)
    assert client.disable_plugin("c", "randomness")["id"] == instance["id"]
    assert client.disable_plugin("c", "inbound", community_platform_id="gh-1")["id"] == inbound["id"]
    assert client.disable_plugin("c", "poll", id=poll["id"])["id"] == poll["id"]
    assert client.list_plugins("c") == []
    fails(lambda: client.disable_plugin("c", "poll"), NOT_FOUND, "poll")


def test_enable_failures(client):
    client.create_community("C", slug="c")
    error = fails(lambda: client.enable_plugin("c", "randomness", {"default_low": "x", "default_high": 3}),
                  INVALID_ARGUMENT, "/default_low")
    assert error.details.startswith("Validation error")
    error = fails(lambda: client.enable_plugin("c", "randomness", {}), INVALID_ARGUMENT, "default_high")
    assert error.details.startswith("Validation error")
    error = fails(lambda: client.enable_plugin("c", "inbound", {"secret": "k", "extra": 1}), INVALID_ARGUMENT)
    assert error.details.startswith("Validation error")
    fails(lambda: client.enable_plugin("c", "nope"), NOT_FOUND, "nope")
    fails(lambda: client.enable_plugin("zz", "poll"), NOT_FOUND, "zz")
    fails(lambda: client.list_plugins("zz"), NOT_FOUND, "zz")
    assert client.list_plugins("c") == []


def test_deliver_webhook(client):
    client.create_community("C", slug="c")
    client.enable_plugin("c", "inbound", {"secret": "k"})
    body = json.dumps({"action": "opened"}).encode()
    signature = "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    delivered = client.deliver_webhook("c", "inbound", body, {"x-hub-signature-256": signature,
                                                               "x-github-event": "issues"})
    assert delivered == {"receiver_ran": True, "process_ids": []}
    with client.subscribe(community="c", event_types=["webhook_received"]) as stream:
        [event] = take(stream, 1)
    assert event["source"] == "inbound" and event["data"]["body"] == {"action": "opened"}
    assert event["data"]["event"] == "issues"
    fails(lambda: client.deliver_webhook("c", "inbound", body, {"x-hub-signature-256": "sha256=00"}),
          grpc.StatusCode.UNAUTHENTICATED, "signature")
    fails(lambda: client.deliver_webhook("c", "nope", body), NOT_FOUND, "nope")
    fails(lambda: client.deliver_webhook("zz", "inbound", body), NOT_FOUND, "zz")
    client.enable_plugin("c", "randomness", {"default_low": 0, "default_high": 1})
    fails(lambda: client.deliver_webhook("c", "randomness", body), FAILED_PRECONDITION, "randomness")
