"""Restarts keep data; tokens and scopes; retention."""

import subprocess

import grpc
import pytest

from metagov_client import MetagovError


def test_restart_keeps_data_and_resumes_streams(make_server):
    server = make_server()
    with server.client() as client:
        client.create_community("C", slug="c")
        client.enable_plugin("c", "poll")
        vote = client.start_process("c", "poll", "vote", {"title": "T", "options": ["a", "b"]})
        for voter in ["a0", "a1", "a2"]:
            client.perform_action("c", "poll", "cast-vote", {"process_id": vote["id"], "voter": voter, "option": "a"})
        with client.subscribe() as stream:
            seen = [next(stream) for _ in range(2)]
    assert server.stop() == 0
    server.start()
    with server.client() as client:
        assert [p["name"] for p in client.get_community("c")["plugins"]] == ["poll"]
        assert client.get_process(vote["id"])["outcome"]["voter_count"] == 3
        client.perform_action("c", "poll", "cast-vote", {"process_id": vote["id"], "voter": "b0", "option": "b"})
        with client.subscribe(after_cursor=seen[-1]["cursor"]) as stream:
            assert [next(stream)["data"]["voter"] for _ in range(2)] == ["a2", "b0"]


def test_tokens_and_community_scope(make_server):
    server = make_server(auth=True)
    admin_token = server.admin_token()
    with server.client(token="") as anonymous:
        with pytest.raises(MetagovError) as raised:
            anonymous.list_communities()
        assert raised.value.code == grpc.StatusCode.UNAUTHENTICATED
    with server.client(token=admin_token) as admin:
        for slug in ["a", "b"]:
            admin.create_community(slug.upper(), slug=slug)
            admin.enable_plugin(slug, "randomness", {"default_low": 0, "default_high": 5})
        created = server.admin("token", "create", "--scope", "community:a", "--name", "driver-a")
    import json
    token = json.loads(created)["token"]
    with server.client(token=token) as scoped:
        assert scoped.get_community("a")["slug"] == "a"
        with pytest.raises(MetagovError) as raised:
            scoped.get_community("b")
        assert raised.value.code == grpc.StatusCode.NOT_FOUND
        with pytest.raises(MetagovError) as raised:
            scoped.create_community("X", slug="x")
        assert raised.value.code == grpc.StatusCode.PERMISSION_DENIED
        assert [c["slug"] for c in scoped.list_communities()["communities"]] == ["a"]
    with server.client(token="") as anonymous:
        # random-int is public: no token needed.
        assert 0 <= anonymous.perform_action("b", "randomness", "random-int")["value"] < 5
    with server.client(token=admin_token + "x") as forged:
        with pytest.raises(MetagovError) as raised:
            forged.perform_action("b", "randomness", "random-int")
        assert raised.value.code == grpc.StatusCode.UNAUTHENTICATED


def test_retention_out_of_range(make_server):
    server = make_server(config={"metagov.events.retention_count": 2})
    with server.client() as client:
        client.create_community("C", slug="c")
        client.enable_plugin("c", "poll")
        vote = client.start_process("c", "poll", "vote", {"title": "T", "options": ["a", "b"]})
        for n in range(5):
            client.perform_action("c", "poll", "cast-vote", {"process_id": vote["id"], "voter": f"v{n}", "option": "a"})
        import time
        deadline = time.monotonic() + 10
        while True:
            try:
                next(client.subscribe(after_cursor=1, timeout=2))
            except MetagovError as error:
                assert error.code == grpc.StatusCode.OUT_OF_RANGE
                assert "oldest cursor available is 3" in error.details
                break
            assert time.monotonic() < deadline, "retention did not run"
            time.sleep(0.1)
        with client.subscribe(after_cursor=3) as stream:
            assert [next(stream)["data"]["voter"] for _ in range(2)] == ["v3", "v4"]
