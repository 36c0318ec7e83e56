"""``python -m metagov.plugin_host`` as an operator runs it: serving, SIGTERM draining, exit statuses."""

import os
import signal
import socket
import subprocess
import sys

from metagov.v1 import plugin_host_pb2 as pb
from sdk_helpers import PLUGINS, TOKEN, invocation, plugin_snapshot, result_value, townhall_config

EXIT_TIMEOUT = 30


def _host(*arguments):
    # No bytecode in the source tree (generate-proto --check compares it).
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen([sys.executable, "-m", "metagov.plugin_host", *arguments], env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serves_until_sigterm_then_drains(gateway, forum):
    host = _host("--server", gateway.target, "--token", TOKEN, "--plugins", str(PLUGINS), "--max-in-flight", "2")
    try:
        session = gateway.session(timeout=EXIT_TIMEOUT)
        assert session.register.max_in_flight == 2
        assert session.register.host_name == f"{socket.gethostname()}:{host.pid}"
        forum.hold_posts()
        session.send(invocation(1, pb.INVOCATION_KIND_ACTION, plugin_snapshot("townhall", townhall_config(forum)),
                                action="post-message", parameters={"text": "last words", "topic": "t"}))
        forum.wait_posting(1)
        host.send_signal(signal.SIGTERM)
        assert session.draining.wait(EXIT_TIMEOUT)
        forum.release(1)
        assert result_value(session.result(1))["id"] == 1
        assert host.wait(EXIT_TIMEOUT) == 0
        log = host.stderr.read()
        assert "serving ledger, townhall to" in log and "drained" in log
    finally:
        host.kill()
        host.wait()


def test_exits_1_when_every_gateway_refuses(gateway):
    host = _host("--server", gateway.target, "--token", "wrong", "--plugins", str(PLUGINS))
    assert host.wait(EXIT_TIMEOUT) == 1
    assert "UNAUTHENTICATED: a plugin-host token is required" in host.stderr.read()


def test_exits_2_when_plugins_cannot_load(tmp_path):
    (tmp_path / "empty").mkdir()
    host = _host("--server", "127.0.0.1:1", "--plugins", str(tmp_path))
    assert host.wait(EXIT_TIMEOUT) == 2
    assert "no plugin types registered" in host.stderr.read()
    missing = _host("--plugins", str(tmp_path / "nowhere"))
    assert missing.wait(EXIT_TIMEOUT) == 2
    assert "does not exist" in missing.stderr.read()
