"""A hostile client against the real `metagovd serve`: each attack is refused with the right code, the
server's memory stays within a stated bound, and other clients keep being served (attacks.py does the
attacking; bench/abuse replays the same attacks with their full sizes and prints the figures)."""

from __future__ import annotations

import threading

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hyperframe.frame import DataFrame, GoAwayFrame, HeadersFrame, RstStreamFrame

import attacks
from metagov.v1 import communities_pb2, communities_pb2_grpc, events_pb2, events_pb2_grpc

MB = 1 << 20


def served(server) -> bool:
    """Whether a fresh client still gets an answer."""
    with grpc.insecure_channel(server.target) as channel:
        response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=30)
        return response.status == health_pb2.HealthCheckResponse.SERVING


def inbound_community(server) -> None:
    with server.client() as client:
        client.create_community("C", slug="c")
        client.enable_plugin("c", "inbound", {"secret": "k"})


def test_hpack_bomb_is_reset_and_memory_stays_bounded(server):
    """6 connections × 4 header blocks of about 60 KB that decode to 240 MB each (the unbounded server grew
    by gigabytes): every block is reset with ENHANCE_YOUR_CALM, RSS grows by less than 64 MB."""
    outcome = attacks.hpack_bomb(server.port, server.process.pid)
    assert outcome.notes["resets"] == outcome.notes["expected_resets"], outcome
    assert outcome.peak - outcome.baseline < 64 * MB, outcome
    assert served(server)


def test_stalled_subscribers_hold_a_bounded_batch_each(server):
    """20 Subscribe streams that grant no window, over 300 events of 100 kB (the unbounded server held about
    50 MB per stream): response headers arrive at once, and RSS grows by less than 100 MB in all."""
    inbound_community(server)
    assert attacks.post_webhooks(server.port, 300, 100_000) == 300
    outcome = attacks.stalled_subscribers(server.port, server.process.pid, server.admin_token())
    assert outcome.notes["headers_received"] == 20, outcome
    assert outcome.peak - outcome.baseline < 100 * MB, outcome
    assert served(server)


def test_large_events_do_not_accumulate_in_the_tail(server):
    """200 webhooks of 1 MB with no subscriber: all accepted, RSS grows by less than 120 MB (the tail kept
    about 1 MB per event before: 200 MB here)."""
    inbound_community(server)
    outcome = attacks.event_tail(server.port, server.process.pid, count=200)
    assert outcome.notes["accepted"] == 200
    assert outcome.after - outcome.baseline < 120 * MB, outcome


def test_silent_idle_and_half_sent_connections_are_closed(make_server):
    """Connections that never send a preface, HTTP/2 connections that stay idle and half-sent HTTP/1.1
    requests are all closed by the handshake and idle timeouts, without the server spinning."""
    server = make_server(arguments=["--handshake-timeout", "1", "--max-connection-idle", "2"])
    outcome = attacks.idle_connections(server.port, server.process.pid, silent=300, idle_h2=100, half_http1=100,
                                       wait=6.0)
    assert outcome.notes["closed_by_server"] == outcome.notes["opened"], outcome
    assert outcome.notes["cpu_seconds_while_waiting"] < 3.0, outcome
    assert served(server)


def test_connections_beyond_the_limit_are_closed_on_arrival(make_server):
    server = make_server(arguments=["--max-connections", "50"])
    outcome = attacks.connection_flood(server.port, server.process.pid, 120)
    assert outcome.notes["closed_on_arrival"] >= 60, outcome
    assert outcome.notes["cpu_seconds_while_held"] < 1.5, outcome
    assert served(server)


def test_stream_errors_instead_of_connection_errors(make_server):
    """Past --max-concurrent-streams a stream gets REFUSED_STREAM; DATA after END_STREAM gets STREAM_CLOSED;
    the connection goes on either way."""
    server = make_server(arguments=["--max-concurrent-streams", "2"])
    token = server.admin_token()
    connection = attacks.RawH2(server.port)
    subscribe = attacks.grpc_headers("/metagov.v1.Events/Subscribe", (("authorization", f"Bearer {token}"),))
    for stream in (1, 3, 5):
        connection.send(connection.headers(stream, subscribe)
                        + DataFrame(stream, data=attacks.subscribe_request(""), flags=["END_STREAM"]).serialize())
    refused = connection.wait_for(lambda f: isinstance(f, RstStreamFrame) and f.stream_id == 5)
    assert refused is not None and refused.error_code == attacks.REFUSED_STREAM
    connection.send(DataFrame(1, data=b"late").serialize())
    closed = connection.wait_for(lambda f: isinstance(f, RstStreamFrame) and f.stream_id == 1)
    assert closed is not None and closed.error_code == attacks.STREAM_CLOSED
    assert attacks.health_check_over(connection, 7)
    assert not any(isinstance(f, GoAwayFrame) for f in connection.frames)
    connection.close()


def test_every_call_is_answered_even_when_its_error_echoes_a_huge_input(server):
    """A 70,000-character slug: the status comes back (its message cut to at most 1 KB), not a silent stream."""
    with grpc.insecure_channel(server.target) as channel:
        stub = communities_pb2_grpc.CommunitiesStub(channel)
        try:
            stub.CreateCommunity(communities_pb2.CreateCommunityRequest(slug="x" * 70_000, readable_name="X"),
                                 metadata=server.metadata(), timeout=30)
            raise AssertionError("expected INVALID_ARGUMENT")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
            assert len(error.details().encode()) <= 1024


def test_bearer_followed_by_spaces_is_unauthenticated(server):
    with grpc.insecure_channel(server.target) as channel:
        stub = communities_pb2_grpc.CommunitiesStub(channel)
        try:
            stub.ListCommunities(communities_pb2.ListCommunitiesRequest(), metadata=(("authorization", "Bearer    "),),
                                 timeout=30)
            raise AssertionError("expected UNAUTHENTICATED")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.UNAUTHENTICATED, error


def test_subscribe_sends_response_headers_before_any_event(server):
    """On a quiet stream the client gets the response headers at once (initial metadata does not block)."""
    with grpc.insecure_channel(server.target) as channel:
        call = events_pb2_grpc.EventsStub(channel).Subscribe(events_pb2.SubscribeRequest(), metadata=server.metadata())
        got = threading.Event()
        threading.Thread(target=lambda: (call.initial_metadata(), got.set()), daemon=True).start()
        assert got.wait(30), "no response headers within 30 s"
        call.cancel()
