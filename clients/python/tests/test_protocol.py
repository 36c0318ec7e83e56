"""The gRPC protocol seen from grpcio: health, reflection, deadlines, cancellation, message sizes, malformed
and unknown calls, compression, concurrency, graceful shutdown."""

import concurrent.futures
import signal
import subprocess
import time

import grpc
import pytest
from google.protobuf import descriptor_pool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from helpers import fails, start_poll, take, vote
from metagov.v1 import actions_pb2, actions_pb2_grpc, common_pb2, events_pb2
from metagov_client import MetagovError, to_struct

OUR_SERVICES = ["metagov.v1.Communities", "metagov.v1.Plugins", "metagov.v1.Actions", "metagov.v1.Processes",
                "metagov.v1.Events", "metagov.v1.Identity"]
MiB = 1 << 20


def raw_method(channel, path):
    """A unary method sending and receiving raw bytes."""
    return channel.unary_unary(path, request_serializer=lambda b: b, response_deserializer=lambda b: b)


def test_health_needs_no_token(server):
    with grpc.insecure_channel(server.target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        serving = health_pb2.HealthCheckResponse.SERVING
        assert stub.Check(health_pb2.HealthCheckRequest(), timeout=10).status == serving
        for service in OUR_SERVICES:
            assert stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10).status == serving
        with pytest.raises(grpc.RpcError) as raised:
            stub.Check(health_pb2.HealthCheckRequest(service="nope.Nothing"), timeout=10)
        assert raised.value.code() == grpc.StatusCode.NOT_FOUND
        watch = stub.Watch(health_pb2.HealthCheckRequest(), timeout=10)
        assert next(watch).status == serving
        watch.cancel()


def test_reflection_lists_and_describes_our_services(server):
    with grpc.insecure_channel(server.target) as channel:
        database = ProtoReflectionDescriptorDatabase(channel)
        services = set(database.get_services())
        assert set(OUR_SERVICES) | {"grpc.health.v1.Health"} <= services
        communities_file = database.FindFileContainingSymbol("metagov.v1.Communities")
        assert communities_file.name == "metagov/v1/communities.proto"
        assert communities_file.package == "metagov.v1"
        assert [s.name for s in communities_file.service] == ["Communities"]
        assert "metagov/v1/common.proto" in communities_file.dependency
        assert database.FindFileContainingSymbol("metagov.v1.Events").name == "metagov/v1/events.proto"
        assert database.FindFileByName("metagov/v1/processes.proto").name == "metagov/v1/processes.proto"
        with pytest.raises(KeyError):
            database.FindFileContainingSymbol("metagov.v1.Nothing")
        # A descriptor pool built from reflection alone (transitive imports included) resolves everything.
        pool = descriptor_pool.DescriptorPool(database)
        for name in OUR_SERVICES:
            assert pool.FindServiceByName(name).methods
        communities = pool.FindServiceByName("metagov.v1.Communities")
        assert set(communities.methods_by_name) == {"CreateCommunity", "GetCommunity", "UpdateCommunity",
                                                    "DeleteCommunity", "ListCommunities"}
        subscribe = pool.FindServiceByName("metagov.v1.Events").methods_by_name["Subscribe"]
        assert subscribe.server_streaming and not subscribe.client_streaming
        process = pool.FindMessageTypeByName("metagov.v1.GovernanceProcess")
        assert process.fields_by_name["status"].enum_type.full_name == "metagov.v1.ProcessStatus"
        assert process.fields_by_name["outcome"].message_type.full_name == "google.protobuf.Struct"


def test_deadline_on_streams_then_the_server_answers(client):
    process = start_poll(client)
    started = time.monotonic()
    fails(lambda: list(client.subscribe(timeout=0.3)), grpc.StatusCode.DEADLINE_EXCEEDED)
    assert time.monotonic() - started < 5
    started = time.monotonic()
    fails(lambda: list(client.watch_process(process["id"], timeout=0.3)), grpc.StatusCode.DEADLINE_EXCEEDED)
    assert time.monotonic() - started < 5
    assert client.get_community("c")["slug"] == "c"
    vote(client, process["id"], "after")
    with client.subscribe() as stream:
        assert take(stream, 1)[0]["data"]["voter"] == "after"


def test_cancelled_streams_leave_the_server_usable(client):
    process = start_poll(client)
    for n in range(10):
        # A Subscribe stream with nothing to send yet, cancelled while idle.
        stream = client.subscribe()
        stream.cancel()
        assert list(stream) == [] and stream.cancelled
        # A WatchProcess stream, cancelled after its first message.
        watch = client.watch_process(process["id"])
        assert take(watch, 1)[0]["id"] == process["id"]
        watch.cancel()
        assert list(watch) == []
    # Through the raw grpcio call, the client sees CANCELLED.
    call = client.events.Subscribe(events_pb2.SubscribeRequest(), metadata=client.metadata)
    call.cancel()
    with pytest.raises(grpc.RpcError) as raised:
        next(call)
    assert raised.value.code() == grpc.StatusCode.CANCELLED
    vote(client, process["id"], "still")
    assert client.get_process(process["id"])["outcome"]["voter_count"] == 1


def test_large_messages_complete(client):
    client.create_community("C", slug="c")
    blob = "y" * (3 * MiB)
    # A 3 MiB Struct in PerformAction parameters: refused cleanly before the plugin is enabled, then performed.
    fails(lambda: client.perform_action("c", "randomness", "random-int", {"blob": blob}),
          grpc.StatusCode.FAILED_PRECONDITION, "randomness")
    client.enable_plugin("c", "randomness", {"default_low": 1, "default_high": 2})
    assert client.perform_action("c", "randomness", "set-lucky-number",
                                 {"lucky_number": 7, "blob": blob}) == {"lucky_number": 7}
    # A 3 MiB Struct in EnablePlugin config, which comes back in the (3 MiB) response.
    instance = client.enable_plugin("c", "randomness", {"default_low": 1, "default_high": 2, "blob": blob})
    assert instance["config"]["blob"] == blob
    # Many small entries.
    many = {f"key{n}": n for n in range(20000)}
    instance = client.enable_plugin("c", "randomness", {"default_low": 1, "default_high": 2, **many})
    assert instance["config"]["key19999"] == 19999 and len(instance["config"]) == 20002
    assert client.get_community("c")["plugins"][0]["config"]["key0"] == 0


def test_oversized_messages_are_refused(client):
    client.create_community("C", slug="c")
    fails(lambda: client.create_community("x" * (5 * MiB), slug="big"), grpc.StatusCode.RESOURCE_EXHAUSTED)
    fails(lambda: client.perform_action("c", "randomness", "set-lucky-number",
                                        {"lucky_number": 1, "blob": "z" * (4 * MiB + 100)}),
          grpc.StatusCode.RESOURCE_EXHAUSTED)
    fails(lambda: client.get_community("big"), grpc.StatusCode.NOT_FOUND)
    assert client.get_community("c")["slug"] == "c"


def test_max_message_size_is_configurable(make_server):
    server = make_server(arguments=["--max-message-size", str(MiB)])
    with server.client() as client:
        client.create_community("C", slug="c")
        client.enable_plugin("c", "randomness", {"default_low": 1, "default_high": 2})

        def lucky(size):
            return client.perform_action("c", "randomness", "set-lucky-number", {"lucky_number": 3, "pad": "n" * size})

        assert lucky(MiB - 1000) == {"lucky_number": 3}
        fails(lambda: lucky(MiB + 1000), grpc.StatusCode.RESOURCE_EXHAUSTED)
        assert lucky(10) == {"lucky_number": 3}


def test_gzip_requests(server, client):
    client.create_community("C", slug="c")
    client.enable_plugin("c", "randomness", {"default_low": 1, "default_high": 2})
    with grpc.insecure_channel(server.target, compression=grpc.Compression.Gzip) as channel:
        stub = actions_pb2_grpc.ActionsStub(channel)

        def perform(parameters):
            return stub.PerformAction(actions_pb2.PerformActionRequest(
                community="c", plugin="randomness", action="set-lucky-number", parameters=to_struct(parameters)),
                metadata=server.metadata(), timeout=30)

        assert perform({"lucky_number": 3, "pad": "z" * MiB}).result["lucky_number"] == 3
        # 6 MiB that compress to a few KiB are still over the limit once decompressed.
        with pytest.raises(grpc.RpcError) as raised:
            perform({"lucky_number": 3, "pad": "z" * (6 * MiB)})
        assert raised.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert client.get_community("c")["slug"] == "c"


def varint(n):
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def length_delimited(field, payload):
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def nested_struct(levels):
    """The bytes of a google.protobuf.Struct nested `levels` deep: {"a": {"a": ... {}}}."""
    inner = b""
    for _ in range(levels):
        value = length_delimited(5, inner)                                 # Value.struct_value
        entry = length_delimited(1, b"a") + length_delimited(2, value)     # map entry {key, value}
        inner = length_delimited(1, entry)                                 # Struct.fields
    return inner


@pytest.mark.parametrize("garbage", [
    b"\x0a\xff\x01garbage",                         # a length running past the end
    b"\xff\xff\xff\xff",                            # an invalid tag
    b"\x0a\x05ab",                                  # truncated string
    b"\x08" + b"\x80" * 11,                         # an endless varint
    b"\x0b\x0c",                                    # group wire types
    bytes(range(256)),
], ids=["overlong-length", "invalid-tag", "truncated", "endless-varint", "groups", "all-bytes"])
def test_malformed_messages(server, client, garbage):
    client.create_community("C", slug="c")
    with grpc.insecure_channel(server.target) as channel:
        get = raw_method(channel, "/metagov.v1.Communities/GetCommunity")
        with pytest.raises(grpc.RpcError) as raised:
            get(garbage, timeout=10, metadata=server.metadata())
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT  # naming the message, as the README says
        assert "metagov.v1.GetCommunityRequest" in raised.value.details()
        # The same connection answers the next call.
        answer = common_pb2.Community.FromString(get(length_delimited(1, b"c"), timeout=10,
                                                          metadata=server.metadata()))
        assert answer.slug == "c"
    assert client.get_community("c")["slug"] == "c"


def test_too_deep_messages(server, client):
    client.create_community("C", slug="c")
    client.enable_plugin("c", "randomness", {"default_low": 1, "default_high": 2})
    with grpc.insecure_channel(server.target) as channel:
        perform = raw_method(channel, "/metagov.v1.Actions/PerformAction")

        def request(levels):
            return (length_delimited(1, b"c") + length_delimited(2, b"randomness")
                    + length_delimited(3, b"set-lucky-number") + length_delimited(4, nested_struct(levels)))

        # 20 levels decode (the schema then wants lucky_number).
        with pytest.raises(grpc.RpcError) as raised:
            perform(request(20), timeout=10, metadata=server.metadata())
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert raised.value.details().startswith("Validation error")
        for levels in (101, 200, 5000):
            with pytest.raises(grpc.RpcError) as raised:
                perform(request(levels), timeout=10, metadata=server.metadata())
            assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert "metagov.v1.PerformActionRequest" in raised.value.details()
    assert client.perform_action("c", "randomness", "random-int") == {"value": 1}


def test_unknown_methods(server, client):
    with grpc.insecure_channel(server.target) as channel:
        for path in ("/metagov.v1.Communities/Explode", "/metagov.v9.Nothing/Call"):
            with pytest.raises(grpc.RpcError) as raised:
                raw_method(channel, path)(b"", timeout=10)
            assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert client.list_communities()["communities"] == []


def test_concurrent_calls_on_one_channel(client):
    client.create_community("C", slug="c")
    client.enable_plugin("c", "randomness", {"default_low": 0, "default_high": 1000})
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        values = list(pool.map(lambda _: client.perform_action("c", "randomness", "random-int")["value"],
                               range(300)))
        slugs = list(pool.map(lambda n: client.create_community(f"N{n}", slug=f"n{n}")["slug"], range(50)))
    assert len(values) == 300 and all(0 <= v < 1000 for v in values) and len(set(values)) > 50
    assert sorted(slugs) == sorted(f"n{n}" for n in range(50))
    assert len(client.list_communities(page_size=100)["communities"]) == 51


def test_graceful_shutdown_with_an_open_stream(make_server):
    server = make_server(arguments=["--shutdown-grace", "1"])
    client = server.client()
    start_poll(client)
    stream = client.subscribe()
    try:
        started = time.monotonic()
        server.process.send_signal(signal.SIGINT)
        # The open stream ends with the server: an error status (not a clean end), after the grace period.
        with pytest.raises(MetagovError) as raised:
            take(stream, 1, timeout=20)
        assert raised.value.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)
        assert server.process.wait(timeout=20) == 0
        assert time.monotonic() - started < 15
        server.process = None
    finally:
        stream.cancel()
        client.close()


def test_sigterm_right_after_the_announcement_exits_cleanly(make_server):
    # A supervisor may stop the server as soon as it says it is serving: SIGTERM must already be handled
    # then (graceful shutdown, exit status 0); it must neither kill the process nor be lost.
    outcomes = []
    for _ in range(5):
        server = make_server()
        server.process.send_signal(signal.SIGTERM)
        try:
            outcomes.append(server.process.wait(timeout=10))
            server.process = None
        except subprocess.TimeoutExpired:
            outcomes.append("still running 10 s after SIGTERM")  # stopped again at teardown
    assert outcomes == [0] * 5
