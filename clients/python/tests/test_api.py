"""Every RPC of the six metagov.v1 services through the Python client, with the failure statuses."""

import grpc
import pytest

from metagov_client import MetagovError


def code_of(call):
    with pytest.raises(MetagovError) as raised:
        call()
    return raised.value


def test_communities(client):
    created = client.create_community("Climate", slug="climate")
    assert created["slug"] == "climate" and created["readable_name"] == "Climate" and created["plugins"] == []
    error = code_of(lambda: client.create_community("Again", slug="climate"))
    assert error.code == grpc.StatusCode.ALREADY_EXISTS and "climate" in error.details
    error = code_of(lambda: client.get_community("nope"))
    assert error.code == grpc.StatusCode.NOT_FOUND and "nope" in error.details
    assert client.update_community("climate", "Climate Action")["readable_name"] == "Climate Action"
    for n in range(3):
        client.create_community(f"C{n}", slug=f"c{n}")
    slugs, token = [], ""
    while True:
        page = client.list_communities(page_size=2, page_token=token)
        slugs += [c["slug"] for c in page["communities"]]
        token = page["next_page_token"]
        if not token:
            break
    assert sorted(slugs) == ["c0", "c1", "c2", "climate"]
    assert client.delete_community("c0")["slug"] == "c0"
    assert code_of(lambda: client.get_community("c0")).code == grpc.StatusCode.NOT_FOUND


def test_plugins_and_actions(client):
    types = {t["name"]: t for t in client.list_plugin_types()}
    assert {"randomness", "poll", "inbound"} <= set(types)
    assert any(a["slug"] == "random-int" and a["is_public"] for a in types["randomness"]["actions"])
    client.create_community("C", slug="c")
    error = code_of(lambda: client.perform_action("c", "randomness", "random-int"))
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION
    error = code_of(lambda: client.enable_plugin("c", "randomness", {"default_low": "x", "default_high": 3}))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details.startswith("Validation error") and "/default_low" in error.details
    assert code_of(lambda: client.enable_plugin("c", "nope")).code == grpc.StatusCode.NOT_FOUND
    instance = client.enable_plugin("c", "randomness", {"default_low": 1, "default_high": 7})
    assert instance["id"] > 0 and instance["config"] == {"default_low": 1, "default_high": 7}
    for _ in range(20):
        assert 10 <= client.perform_action("c", "randomness", "random-int", {"low": 10, "high": 12})["value"] < 12
    assert client.perform_action("c", "randomness", "set-lucky-number", {"lucky_number": 9}) == {"lucky_number": 9}
    error = code_of(lambda: client.perform_action("c", "randomness", "set-lucky-number", {"lucky_number": "x"}))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and error.details.startswith("Validation error")
    error = code_of(lambda: client.perform_action("c", "randomness", "fly"))
    assert error.code == grpc.StatusCode.NOT_FOUND and "randomness.fly" in error.details
    error = code_of(lambda: client.perform_action("c", "randomness", "random-int", {"low": 5, "high": 1}))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [p["name"] for p in client.list_plugins("c")] == ["randomness"]
    assert client.get_community("c")["plugins"][0]["id"] == instance["id"]
    assert client.disable_plugin("c", "randomness")["id"] == instance["id"]
    assert client.list_plugins("c") == []


def _poll(client):
    client.create_community("C", slug="c")
    client.enable_plugin("c", "poll")
    return client.start_process("c", "poll", "vote", {"title": "Lunch?", "options": ["pizza", "soup"]})


def _vote(client, process_id, voter, option="soup"):
    return client.perform_action("c", "poll", "cast-vote", {"process_id": process_id, "voter": voter, "option": option})


def test_processes(client):
    vote = _poll(client)
    assert vote["status"] == "PROCESS_STATUS_PENDING"
    assert client.get_process(vote["id"])["id"] == vote["id"]
    assert [p["id"] for p in client.list_processes(community="c", status="pending")["processes"]] == [vote["id"]]
    _vote(client, vote["id"], "ann")
    closed = client.close_process(vote["id"])
    assert closed["status"] == "PROCESS_STATUS_COMPLETED" and closed["outcome"]["winner"] == "soup"
    assert code_of(lambda: client.close_process(vote["id"])).code == grpc.StatusCode.FAILED_PRECONDITION
    error = code_of(lambda: client.get_process(999))
    assert error.code == grpc.StatusCode.NOT_FOUND and "999" in error.details
    error = code_of(lambda: client.start_process("c", "poll", "referendum"))
    assert error.code == grpc.StatusCode.NOT_FOUND and "poll.referendum" in error.details
    error = code_of(lambda: client.start_process("c", "poll", "vote", {"title": ""}))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and error.details.startswith("Validation error")


def test_watch_process(client):
    client.create_community("C", slug="c")
    client.enable_plugin("c", "poll")
    vote = client.start_process("c", "poll", "vote", {"title": "T", "options": ["a", "b"], "quorum": 2})
    stream = client.watch_process(vote["id"])
    assert next(stream)["status"] == "PROCESS_STATUS_PENDING"
    client.perform_action("c", "poll", "cast-vote", {"process_id": vote["id"], "voter": "x", "option": "a"})
    assert next(stream)["outcome"]["voter_count"] == 1
    client.perform_action("c", "poll", "cast-vote", {"process_id": vote["id"], "voter": "y", "option": "a"})
    states = list(stream)
    assert states[-1]["status"] == "PROCESS_STATUS_COMPLETED" and states[-1]["outcome"]["winner"] == "a"
    assert code_of(lambda: next(client.watch_process(4242))).code == grpc.StatusCode.NOT_FOUND


def test_subscribe_stored_then_live_and_resume(client):
    vote = _poll(client)
    for voter in ["a", "b", "c"]:
        _vote(client, vote["id"], voter)
    with client.subscribe(community="c") as stream:
        seen = [next(stream) for _ in range(3)]
        assert [e["data"]["voter"] for e in seen] == ["a", "b", "c"]
        for voter in ["d", "e"]:
            _vote(client, vote["id"], voter)
        seen += [next(stream) for _ in range(2)]
    cursors = [e["cursor"] for e in seen]
    assert cursors == sorted(cursors) and len(set(cursors)) == 5
    assert all(e["event_type"] == "vote_cast" and e["source"] == "poll" for e in seen)
    with client.subscribe(community="c", after_cursor=cursors[1]) as resumed:
        assert [next(resumed)["cursor"] for _ in range(3)] == cursors[2:]
    assert code_of(lambda: next(client.subscribe(community="zz"))).code == grpc.StatusCode.NOT_FOUND


def test_identity(client):
    client.create_community("C", slug="c")
    first, second = client.create_id("c", count=2)
    assert code_of(lambda: client.create_id("c", count=5000)).code == grpc.StatusCode.INVALID_ARGUMENT
    linked = client.link_account("c", first, "discord", "ann#1", link_type="oauth", link_quality="confirmed_by_user")
    assert linked["link_quality"] == "confirmed_by_user"
    client.link_account("c", second, "slack", "U1")
    error = code_of(lambda: client.link_account("c", second, "discord", "ann#1"))
    assert error.code == grpc.StatusCode.ALREADY_EXISTS
    assert [a["platform_identifier"] for a in client.get_user("c", first)["linked_accounts"]] == ["ann#1"]
    assert [u["external_id"] for u in client.get_users("c", platform_type="slack")] == [second]
    assert [u["external_id"] for u in client.filter_users_by_account("c", "discord", "ann#1")] == [first]
    assert client.get_linked_account("c", first, "discord")["platform_identifier"] == "ann#1"
    assert code_of(lambda: client.get_linked_account("c", first, "github")).code == grpc.StatusCode.NOT_FOUND
    merged = client.merge_ids("c", first, second)
    assert {a["platform_type"] for a in merged["linked_accounts"]} == {"discord", "slack"}
    client.unlink_account("c", "slack", "U1")
    assert [a["platform_type"] for a in client.get_user("c", first)["linked_accounts"]] == ["discord"]
    assert code_of(lambda: client.get_user("c", 123)).code == grpc.StatusCode.NOT_FOUND


def test_webhook_subscriptions_crud(client):
    client.create_community("C", slug="c")
    created = client.create_webhook("c", "http://127.0.0.1:9/a", event_types=["a"], secret="s")
    assert created["has_secret"] and created["event_types"] == ["a"]
    assert client.update_webhook(created["id"], event_types=[])["event_types"] == []
    assert [w["id"] for w in client.list_webhooks("c")] == [created["id"]]
    assert client.delete_webhook(created["id"])["id"] == created["id"]
    assert code_of(lambda: client.delete_webhook(created["id"])).code == grpc.StatusCode.NOT_FOUND
    assert code_of(lambda: client.create_webhook("c", "not a url")).code == grpc.StatusCode.INVALID_ARGUMENT
