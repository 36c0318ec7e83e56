"""The gRPC protocol seen from grpcio: health, reflection, deadlines, cancellation, size limits, garbage."""

import time

import grpc
import pytest
from google.protobuf import descriptor_pool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from metagov.v1 import communities_pb2, communities_pb2_grpc
from metagov_client import MetagovError


def test_health(server):
    with grpc.insecure_channel(server.target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        assert stub.Check(health_pb2.HealthCheckRequest()).status == health_pb2.HealthCheckResponse.SERVING
        assert stub.Check(health_pb2.HealthCheckRequest(service="metagov.v1.Events")).status == \
            health_pb2.HealthCheckResponse.SERVING
        with pytest.raises(grpc.RpcError) as raised:
            stub.Check(health_pb2.HealthCheckRequest(service="nope"))
        assert raised.value.code() == grpc.StatusCode.NOT_FOUND
        watch = stub.Watch(health_pb2.HealthCheckRequest())
        assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
        watch.cancel()


def test_reflection_lists_and_describes_our_services(server):
    with grpc.insecure_channel(server.target) as channel:
        database = ProtoReflectionDescriptorDatabase(channel)
        services = set(database.get_services())
        assert {"metagov.v1.Communities", "metagov.v1.Plugins", "metagov.v1.Actions", "metagov.v1.Processes",
                "metagov.v1.Events", "metagov.v1.Identity", "grpc.health.v1.Health"} <= services
        pool = descriptor_pool.DescriptorPool(database)
        communities = pool.FindServiceByName("metagov.v1.Communities")
        assert "CreateCommunity" in communities.methods_by_name
        process = pool.FindMessageTypeByName("metagov.v1.GovernanceProcess")
        assert process.fields_by_name["status"].enum_type.full_name == "metagov.v1.ProcessStatus"
        assert database.FindFileContainingSymbol("metagov.v1.Events").name == "metagov/v1/events.proto"


def test_deadline_on_a_stream_then_the_server_answers(client):
    client.create_community("C", slug="c")
    started = time.monotonic()
    with pytest.raises(MetagovError) as raised:
        list(client.subscribe(timeout=0.3))
    assert raised.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 5
    assert client.get_community("c")["slug"] == "c"


def test_cancelled_streams_leave_the_server_usable(client):
    client.create_community("C", slug="c")
    for _ in range(20):
        stream = client.subscribe()
        stream.cancel()
        with pytest.raises(MetagovError) as raised:
            next(stream)
        assert raised.value.code == grpc.StatusCode.CANCELLED
    assert client.get_community("c")["slug"] == "c"


def test_large_and_oversized_messages(client):
    client.create_community("C", slug="c")
    client.enable_plugin("c", "poll")
    large = "y" * (3 << 20)
    vote = client.start_process("c", "poll", "vote", {"title": large, "options": ["a", "b"]})
    assert vote["id"] > 0
    with pytest.raises(MetagovError) as raised:
        client.create_community("x" * (5 << 20), slug="big")
    assert raised.value.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert client.get_community("c")["slug"] == "c"


def test_malformed_and_unknown_calls(server, client):
    client.create_community("C", slug="c")
    with grpc.insecure_channel(server.target) as channel:
        raw = channel.unary_unary("/metagov.v1.Communities/GetCommunity",
                                  request_serializer=lambda b: b, response_deserializer=lambda b: b)
        with pytest.raises(grpc.RpcError) as raised:
            raw(b"\x0a\xff\x01garbage", timeout=10)
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "metagov.v1.GetCommunityRequest" in raised.value.details()
        unknown = channel.unary_unary("/metagov.v1.Communities/Explode",
                                      request_serializer=lambda b: b, response_deserializer=lambda b: b)
        with pytest.raises(grpc.RpcError) as raised:
            unknown(b"", timeout=10)
        assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
        stub = communities_pb2_grpc.CommunitiesStub(channel)
        assert stub.GetCommunity(communities_pb2.GetCommunityRequest(slug="c"), timeout=10).slug == "c"
