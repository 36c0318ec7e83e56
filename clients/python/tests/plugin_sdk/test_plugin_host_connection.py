"""The plugin host's streams: registration with the token, pings, the in-flight limit, reconnection with
backoff, refusals, several gateways, and draining."""

import socket
import threading
import time

import grpc

from fake_gateway import FakeGateway, wait_until
from metagov.v1 import plugin_host_pb2 as pb
from sdk_helpers import TOKEN, invocation, plugin_snapshot, result_value, townhall_config


def _post(invocation_id, forum):
    return invocation(invocation_id, pb.INVOCATION_KIND_ACTION, plugin_snapshot("townhall", townhall_config(forum)),
                      action="post-message", parameters={"text": f"m{invocation_id}", "topic": "t"})


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_registers_every_type_with_the_token(gateway, start_host):
    host = start_host(gateway.target, max_in_flight=3)
    session = gateway.session()
    assert session.metadata["authorization"] == f"Bearer {TOKEN}"
    register = session.register
    assert (register.protocol_version, register.max_in_flight, register.host_name) == (1, 3, "test-host")
    assert [t.name for t in register.plugin_types] == ["ledger", "townhall"]
    wait_until(lambda: host.connections[0].registered.is_set(), what="registration")
    assert host.connections[0].registrations == 1


def test_answers_pings(gateway, start_host):
    start_host(gateway.target)
    session = gateway.session()
    session.ping(41)
    session.ping(42)
    assert session.pongs == [41, 42]


def test_runs_at_most_max_in_flight_invocations_at_once(gateway, start_host, forum):
    start_host(gateway.target, max_in_flight=3)
    session = gateway.session()
    forum.hold_posts()
    for invocation_id in range(1, 8):
        session.send(_post(invocation_id, forum))
    forum.wait_posting(3)
    session.ping(1)  # the stream is served while every worker is busy
    for done in range(1, 5):  # one finishes, a queued one starts
        forum.release(1)
        wait_until(lambda: len(forum.messages) == done and forum.posting == 3, what=f"post {done} to finish")
    forum.release(3)
    ids = sorted(result_value(session.result(n))["id"] for n in range(1, 8))
    assert ids == list(range(1, 8))
    assert forum.most_posting == 3


def test_invocations_that_expire_while_queued_are_not_run(gateway, start_host, forum):
    start_host(gateway.target, max_in_flight=1)
    session = gateway.session()
    forum.hold_posts()
    session.send(_post(1, forum))
    forum.wait_posting(1)
    expiring = _post(2, forum)
    expiring.deadline_ms = 1
    session.send(expiring)
    session.send(_post(3, forum))
    session.ping(1)  # answered after the host read (and queued) 2 and 3
    time.sleep(0.005)  # past the 1 ms deadline of 2
    forum.release(2)
    # One worker runs them in order: when 3 is answered, 2 was skipped, never posted.
    assert result_value(session.result(3))["id"] == 2
    assert result_value(session.result(1))["id"] == 1
    assert 2 not in session.results and [m["text"] for m in forum.messages] == ["m1", "m3"]


def test_reconnects_when_the_gateway_restarts(plugin_types, start_host, forum):
    first = FakeGateway(token=TOKEN)
    host = start_host(first.target)
    wait_until(host.connections[0].registered.is_set, what="registration")
    port = first.port
    first.stop()
    wait_until(lambda: not host.connections[0].registered.is_set(), what="the host to notice")
    second = FakeGateway(token=TOKEN, port=port)
    try:
        result = second.session().invoke(_post(1, forum))
        assert result_value(result)["id"] == 1
        assert host.connections[0].registrations == 2
    finally:
        second.stop()


def test_reconnects_when_the_gateway_ends_the_stream(gateway, start_host, forum):
    host = start_host(gateway.target)
    gateway.session().end()
    assert result_value(gateway.session(1).invoke(_post(1, forum)))["id"] == 1
    assert host.connections[0].registrations == 2


def test_keeps_trying_until_a_gateway_listens(plugin_types, start_host, forum):
    port = _free_port()
    host = start_host(f"127.0.0.1:{port}")
    late = FakeGateway(token=TOKEN, port=port)
    try:
        assert result_value(late.session().invoke(_post(1, forum)))["id"] == 1
        assert host.connections[0].fatal_error is None
    finally:
        late.stop()


def test_a_refused_registration_is_final(plugin_types, start_host):
    refusing = FakeGateway(token=TOKEN, refuse=(grpc.StatusCode.FAILED_PRECONDITION,
                                                "plugin type 'townhall' differs from the registered one: actions"))
    try:
        host = start_host(refusing.target)
        assert host.finished.wait(15)
        assert host.refused() == [f"{refusing.target}: FAILED_PRECONDITION: plugin type 'townhall' differs from "
                                  "the registered one: actions"]
        assert refusing.attempts == 1
    finally:
        refusing.stop()


def test_a_bad_token_is_final(gateway, start_host):
    host = start_host(gateway.target, token="wrong")
    assert host.finished.wait(15)
    assert host.refused() == [f"{gateway.target}: UNAUTHENTICATED: a plugin-host token is required"]
    assert not gateway.sessions


def test_serves_several_gateways(plugin_types, start_host, forum):
    gateways = [FakeGateway(token=TOKEN), FakeGateway(token=TOKEN)]
    try:
        start_host(*(g.target for g in gateways))
        results = [g.session().invoke(_post(n, forum)) for n, g in enumerate(gateways, 1)]
        assert sorted(result_value(r)["id"] for r in results) == [1, 2]
    finally:
        for g in gateways:
            g.stop()


def test_stop_drains_running_invocations(gateway, start_host, forum):
    host = start_host(gateway.target)
    session = gateway.session()
    forum.hold_posts()
    session.send(_post(1, forum))
    forum.wait_posting(1)
    stopped = []
    stopper = threading.Thread(target=lambda: stopped.append(host.stop(timeout=15)))
    stopper.start()
    assert session.draining.wait(15)
    assert not session.ended.is_set() and not stopped
    forum.release(1)
    assert result_value(session.result(1))["id"] == 1
    stopper.join(15)
    assert stopped == [True] and session.ended.is_set()
    assert host.finished.is_set() and host.refused() == []


def test_stop_gives_up_after_its_timeout(gateway, start_host, forum):
    host = start_host(gateway.target)
    session = gateway.session()
    forum.hold_posts()
    session.send(_post(1, forum))
    forum.wait_posting(1)
    assert host.stop(timeout=0.2) is False
    assert session.draining.is_set()
    wait_until(session.ended.is_set, what="the cancelled stream to end")
    forum.release(1)
    assert host.connections[0].join(15)
    assert 1 not in session.results
