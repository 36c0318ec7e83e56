"""A restart keeps all data; tokens and scopes; event retention."""

import json
import os
import stat

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from helpers import eventually, fails, start_poll, take, vote
from metagov_client import MetagovClient

UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND = (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED,
                                                 grpc.StatusCode.NOT_FOUND)


def test_restart_keeps_all_data(make_server):
    server = make_server()
    token = server.admin_token()
    with server.client() as client:
        open_vote = start_poll(client)
        done_vote = client.start_process("c", "poll", "vote", {"title": "Done", "options": ["x", "y"]})
        for voter in ["a0", "a1", "a2"]:
            vote(client, open_vote["id"], voter)
        client.close_process(done_vote["id"])
        client.enable_plugin("c", "randomness", {"default_low": 5, "default_high": 6})
        client.create_community("Other", slug="other")
        first, second = client.create_id("c", count=2)
        client.link_account("c", first, "discord", "ann#1", link_quality="confirmed_by_user")
        client.link_account("c", second, "slack", "U1")
        client.merge_ids("c", first, second)
        webhook = client.create_webhook("c", "http://127.0.0.1:9/hook", event_types=["nothing"], secret="s")
        with client.subscribe() as stream:
            before = take(stream, 3)
        snapshot = {
            "communities": client.list_communities(),
            "c": client.get_community("c"),
            "processes": client.list_processes(),
            "user": client.get_user("c", first),
            "webhooks": client.list_webhooks(),
        }
    for _ in range(2):  # nothing is lost on either restart
        server.restart()
        assert server.admin_token() == token
        with server.client() as client:
            assert client.list_communities() == snapshot["communities"]
            assert client.get_community("c") == snapshot["c"]
            assert client.list_processes() == snapshot["processes"]
            assert client.get_user("c", first) == snapshot["user"]
            assert client.get_user("c", second)["external_id"] == first
            assert client.list_webhooks() == snapshot["webhooks"]
            assert client.list_webhooks()[0]["id"] == webhook["id"]
            assert client.perform_action("c", "randomness", "random-int") == {"value": 5}
            with client.subscribe() as stream:
                assert take(stream, 3) == before
    with server.client() as client:
        # The open vote goes on where it was; the stored events are all there, and new cursors follow them.
        assert vote(client, open_vote["id"], "b0", "b")["outcome"]["voter_count"] == 4
        with client.subscribe() as stream:
            after = take(stream, 4)
        assert after[:3] == before
        assert after[3]["cursor"] > before[-1]["cursor"] and after[3]["data"]["voter"] == "b0"
        with client.subscribe(after_cursor=before[1]["cursor"]) as stream:
            assert [e["data"]["voter"] for e in take(stream, 2)] == ["a2", "b0"]
        fails(lambda: client.close_process(done_vote["id"]), grpc.StatusCode.FAILED_PRECONDITION)


def test_tokens_and_community_scope(make_server):
    server = make_server()
    token_file = server.database + ".admin-token"
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    admin_token = server.admin_token()
    with server.client(token="") as anonymous:
        fails(anonymous.list_communities, UNAUTHENTICATED)
        fails(lambda: anonymous.create_community("X", slug="x"), UNAUTHENTICATED)
    with server.client(token=admin_token) as admin:
        for slug in ["a", "b"]:
            admin.create_community(slug.upper(), slug=slug)
            admin.enable_plugin(slug, "randomness", {"default_low": 0, "default_high": 5})
            start_poll(admin, community=slug)
    created = json.loads(server.admin("token", "create", "--scope", "community:a", "--name", "driver-a"))
    scoped_token = created["token"]
    with server.client(token=scoped_token) as scoped:
        assert scoped.get_community("a")["slug"] == "a"
        fails(lambda: scoped.get_community("b"), NOT_FOUND, "b")
        fails(lambda: scoped.enable_plugin("b", "poll"), NOT_FOUND)
        fails(lambda: scoped.create_community("X", slug="x"), PERMISSION_DENIED)
        assert [c["slug"] for c in scoped.list_communities()["communities"]] == ["a"]
        assert {p["community"] for p in scoped.list_processes()["processes"]} == {"a"}
        assert scoped.perform_action("a", "randomness", "set-lucky-number", {"lucky_number": 1})["lucky_number"] == 1
        # Its event stream carries only its community's events.
        with server.client(token=admin_token) as admin:
            b_vote = admin.list_processes(community="b")["processes"][0]
            a_vote = admin.list_processes(community="a")["processes"][0]
            vote(admin, b_vote["id"], "in-b", community="b")
            vote(admin, a_vote["id"], "in-a", community="a")
        with scoped.subscribe() as stream:
            [event] = take(stream, 1)
            assert event["community"] == "a" and event["data"]["voter"] == "in-a"
        fails(lambda: next(scoped.subscribe(community="b", timeout=10)), NOT_FOUND)
    # The client reads $METAGOV_TOKEN when no token is given.
    previous = os.environ.get("METAGOV_TOKEN")
    os.environ["METAGOV_TOKEN"] = scoped_token
    try:
        with MetagovClient(server.target) as from_environment:
            assert from_environment.metadata == (("authorization", f"Bearer {scoped_token}"),)
            assert from_environment.get_community("a")["slug"] == "a"
    finally:
        if previous is None:
            del os.environ["METAGOV_TOKEN"]
        else:
            os.environ["METAGOV_TOKEN"] = previous
    # Public actions, health and reflection need no token; a bad token is refused even there.
    with server.client(token="") as anonymous:
        assert 0 <= anonymous.perform_action("b", "randomness", "random-int")["value"] < 5
        fails(lambda: anonymous.perform_action("b", "randomness", "set-lucky-number", {"lucky_number": 1}),
              UNAUTHENTICATED)
    with server.client(token=admin_token + "x") as forged:
        fails(lambda: forged.perform_action("b", "randomness", "random-int"), UNAUTHENTICATED)
    with grpc.insecure_channel(server.target) as channel:
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        assert health.status == health_pb2.HealthCheckResponse.SERVING
    # Revocation takes effect on the next call.
    server.admin("token", "revoke", "driver-a")
    with server.client(token=scoped_token) as revoked:
        fails(lambda: revoked.get_community("a"), UNAUTHENTICATED)


def test_no_auth_mode(make_server):
    server = make_server(auth=False)
    with server.client(token="") as client:
        assert client.create_community("Open", slug="open")["slug"] == "open"


def test_retention_out_of_range(make_server):
    server = make_server(config={"metagov.events.retention_count": 2})
    with server.client() as client:
        process = start_poll(client)
        for n in range(5):
            vote(client, process["id"], f"v{n}")

        def out_of_range():
            # A retention pass may run while the votes are cast (deleting fewer yet): wait for the final one.
            try:
                with client.subscribe(after_cursor=1, timeout=5) as stream:
                    next(stream)
            except Exception as error:  # noqa: BLE001 - checked below
                return error if "oldest cursor available is 3" in str(getattr(error, "details", "")) else None
            return None

        error = eventually(out_of_range)
        assert error.code == grpc.StatusCode.OUT_OF_RANGE and "oldest cursor available is 3" in error.details
        with client.subscribe(after_cursor=3) as stream:
            assert [e["data"]["voter"] for e in take(stream, 2)] == ["v3", "v4"]


def test_restart_then_resume_with_the_last_cursor(make_server):
    server = make_server(auth=False)
    with server.client() as client:
        process = start_poll(client)
        for voter in ["a", "b"]:
            vote(client, process["id"], voter)
        with client.subscribe(community="c") as stream:
            last = take(stream, 2)[-1]["cursor"]
        vote(client, process["id"], "missed-1")
    server.restart()
    with server.client() as client:
        vote(client, process["id"], "missed-2")
        with client.subscribe(community="c", after_cursor=last) as stream:
            missed = take(stream, 2)
            assert [e["data"]["voter"] for e in missed] == ["missed-1", "missed-2"]
            vote(client, process["id"], "live")
            assert take(stream, 1)[0]["data"]["voter"] == "live"
