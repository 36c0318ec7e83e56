"""Plugins out of process, end to end with grpcio: the real `metagovd serve`, real `python -m
metagov.plugin_host` processes serving plugins written in Metagov's style, and drivers using the Python
client (or raw grpcio stubs)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator, List, Optional

import grpc
import pytest

from helpers import fails, take
from metagov.v1 import plugin_host_pb2, plugin_host_pb2_grpc
from metagov_client import MetagovClient

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "python-plugins"
GATEWAY_PLUGINS = Path(__file__).resolve().parent / "gateway_plugins"
SDK = ROOT / "clients" / "python"


class HostProcess:
    """`python -m metagov.plugin_host` serving the plugin packages of `plugins` to `server`."""

    def __init__(self, server, plugins: Path, token: str = "", max_in_flight: int = 8, environment: Optional[dict] = None):
        environment = dict(os.environ, PYTHONPATH=f"{SDK}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
                           PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1", METAGOV_TOKEN=token, **(environment or {}))
        self.output: List[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "metagov.plugin_host", "--server", server.target, "--plugins", str(plugins),
             "--max-in-flight", str(max_in_flight)],
            env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
        threading.Thread(target=self._drain_output, daemon=True).start()

    def _drain_output(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)

    def log(self) -> str:
        return "".join(self.output)

    def wait_registered(self, count: int = 1, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while self.log().count("registered with gateway") < count:
            assert self.process.poll() is None, f"the plugin host exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"the plugin host did not register:\n{self.log()}"
            time.sleep(0.05)

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM (the host drains) and its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)


@pytest.fixture
def start_host() -> Iterator:
    hosts: List[HostProcess] = []

    def start(server, plugins: Path, token: str = "", max_in_flight: int = 8,
              environment: Optional[dict] = None) -> HostProcess:
        host = HostProcess(server, plugins, token, max_in_flight, environment)
        hosts.append(host)
        return host

    yield start
    for host in hosts:
        if host.process.poll() is None:
            host.process.kill()
            host.process.wait()


def token(server, scope: str) -> str:
    return json.loads(server.admin("token", "create", "--scope", scope))["token"]


def post(url: str, body: bytes, headers: dict) -> tuple:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_metagov_plugin_dropped_unchanged_into_a_plugins_folder_runs(make_server, start_host, tmp_path):
    """The example randomness plugin, copied as it is into a plugins folder, against a gateway without the
    built-in randomness: listed, enabled with its config checked, actions (the public one without a token),
    a process closed by the scheduler."""
    plugins = tmp_path / "plugins"
    shutil.copytree(EXAMPLES / "randomness", plugins / "randomness")
    server = make_server(config={"metagov.plugins": "poll inbound"})
    host = start_host(server, plugins, token=token(server, "plugin-host:randomness"))
    host.wait_registered()
    with server.client(timeout=120) as client:
        types = {t["name"]: t for t in client.list_plugin_types()}
        assert [a["slug"] for a in types["randomness"]["actions"]] == ["random-int", "set-lucky-number"]
        client.create_community("C", slug="c")
        fails(lambda: client.enable_plugin("c", "randomness", {"default_low": "one"}), grpc.StatusCode.INVALID_ARGUMENT,
              "Validation error", "/default_low")
        client.enable_plugin("c", "randomness", {"default_low": 10, "default_high": 11})
        assert client.perform_action("c", "randomness", "set-lucky-number", {"lucky_number": 8}) == {"lucky_number": 8}
        fails(lambda: client.perform_action("c", "randomness", "random-int", {"low": 3, "high": 2}),
              grpc.StatusCode.INVALID_ARGUMENT, "low (3) must be less than high (2)")
        vote = client.start_process("c", "randomness", "delayed-stochastic-vote", {"options": ["x"], "delay": 0})
        assert vote["status"] == "PROCESS_STATUS_PENDING"
        final = list(client.watch_process(vote["id"], timeout=120))[-1]
        assert final["status"] == "PROCESS_STATUS_COMPLETED" and final["outcome"] == {"winner": "x"}
    with server.client(token="", timeout=120) as anonymous:
        assert anonymous.perform_action("c", "randomness", "random-int") == {"value": 10}
    assert host.stop() == 0


def test_the_readme_plugin_counts_and_approves_through_signed_webhooks(make_server, start_host):
    """The README's tally plugin: bump (events to Subscribe), an approval process fed by webhooks over HTTP
    and over gRPC (DeliverWebhook), its signature check first."""
    server = make_server()
    # The examples folder holds randomness too, which this gateway has built in: the host is refused.
    host = start_host(server, EXAMPLES, token=token(server, "plugin-host:tally,randomness"))
    assert host.process.wait(120) == 1
    assert "FAILED_PRECONDITION: plugin type 'randomness' is built into this gateway" in host.log()

    tally_only = Path(server.directory) / "plugins"
    tally_only.mkdir()
    (tally_only / "tally").symlink_to(EXAMPLES / "tally")
    host = start_host(server, tally_only, token=token(server, "plugin-host:tally"))
    host.wait_registered()
    with server.client(timeout=120) as client:
        client.create_community("C", slug="c")
        client.enable_plugin("c", "tally", {"secret": "s3cret"})
        events = client.subscribe(community="c", timeout=120)
        assert [client.perform_action("c", "tally", "bump", {"counter": "tea"}) for _ in range(3)] == \
            [{"value": 1}, {"value": 2}, {"value": 3}]
        assert [e["data"]["value"] for e in take(events, 3, timeout=120)] == [1, 2, 3]
        events.cancel()

        approval = client.start_process("c", "tally", "approval", {"needed": 2})
        assert approval["outcome"] == {"approvals": 0, "needed": 2}
        hook = f"http://{server.target}/api/hooks/c/tally"

        def signed(body: bytes) -> dict:
            return {"X-Signature": "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()}

        body = json.dumps({"approver": "ann"}).encode()
        assert post(hook, body, {"X-Signature": "sha256=0000"})[0] == 401
        assert client.get_process(approval["id"])["outcome"]["approvals"] == 0
        status, answer = post(hook, body, signed(body))
        assert status == 200 and json.loads(answer)["process_ids"] == [approval["id"]]
        body = json.dumps({"approver": "bob"}).encode()
        delivered = client.deliver_webhook("c", "tally", body, headers=signed(body))
        assert delivered["process_ids"] == [approval["id"]]
        final = client.get_process(approval["id"])
        assert final["status"] == "PROCESS_STATUS_COMPLETED"
        assert final["outcome"] == {"approvals": 2, "needed": 2, "approved": True}
    assert host.stop() == 0


def test_sigterm_drains_a_host_and_replicas_take_over(make_server, start_host, tmp_path):
    """Two hosts serve slowpoke, one nap at a time each; SIGTERM to one while it runs a nap: that nap still
    succeeds, the host exits 0, and the other replica serves what follows."""
    server = make_server(auth=False)
    marks = tmp_path / "marks"
    marks.mkdir()
    first = start_host(server, GATEWAY_PLUGINS, max_in_flight=1, environment={"SLOWPOKE_MARKS": str(marks)})
    first.wait_registered()
    with server.client(timeout=120) as client:
        client.create_community("C", slug="c")
        client.enable_plugin("c", "slowpoke")
        second = start_host(server, GATEWAY_PLUGINS, max_in_flight=1, environment={"SLOWPOKE_MARKS": str(marks)})
        second.wait_registered()
        results: List[dict] = []
        naps = [threading.Thread(target=lambda: results.append(client.perform_action("c", "slowpoke", "nap", {"seconds": 3})))
                for _ in range(2)]
        for nap in naps:
            nap.start()
        deadline = time.monotonic() + 120
        while len(list(marks.iterdir())) < 2:  # each replica has started its nap
            assert time.monotonic() < deadline, "the naps did not start"
            time.sleep(0.02)
        assert {mark.name.split("-")[0] for mark in marks.iterdir()} == {str(first.process.pid), str(second.process.pid)}
        first.process.send_signal(signal.SIGTERM)
        for nap in naps:
            nap.join(120)
        assert results == [{"napped": 3}, {"napped": 3}]
        assert first.process.wait(60) == 0
        assert client.perform_action("c", "slowpoke", "nap", {"seconds": 0}) == {"napped": 0}
    assert second.stop() == 0


def test_only_plugin_host_tokens_connect_and_they_connect_only(make_server):
    server = make_server()
    host_token = token(server, "plugin-host")
    with server.client(token=host_token) as host_client:
        fails(host_client.list_communities, grpc.StatusCode.PERMISSION_DENIED,
              "a token of scope plugin-host may only call /metagov.v1.PluginHost/Connect")

    def connect(metadata) -> Optional[grpc.RpcError]:
        """None when the gateway answers Registered, else the error ending the call."""
        register = plugin_host_pb2.PluginHostMessage(register=plugin_host_pb2.Register(
            protocol_version=1, max_in_flight=1,
            plugin_types=[plugin_host_pb2.PluginTypeDefinition(name="solo", auth_type="none")]))
        with grpc.insecure_channel(server.target) as channel:
            stream = plugin_host_pb2_grpc.PluginHostStub(channel).Connect(iter([register]), metadata=metadata, timeout=60)
            try:
                first = next(stream)
            except grpc.RpcError as error:
                return error
            assert first.WhichOneof("message") == "registered" and list(first.registered.plugin_types) == ["solo"]
            stream.cancel()
            return None

    admin = connect((("authorization", f"Bearer {server.admin_token()}"),))
    assert admin.code() == grpc.StatusCode.PERMISSION_DENIED
    assert admin.details() == "only a token of scope plugin-host may connect a plugin host"
    assert connect(()).code() == grpc.StatusCode.UNAUTHENTICATED
    assert connect((("authorization", f"Bearer {host_token}"),)) is None
