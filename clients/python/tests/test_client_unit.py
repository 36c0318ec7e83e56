"""The Python client on its own (no server): the installed package, conversions, errors, streams, tokens."""

import importlib
import importlib.metadata
from pathlib import Path

import grpc
import pytest
from google.protobuf import json_format, struct_pb2

import metagov.v1
import metagov_client
from metagov.v1 import common_pb2, events_pb2, identity_pb2, plugins_pb2, processes_pb2
from metagov_client import MetagovClient, MetagovError, Stream, to_python, to_struct

MODULES = ["actions", "common", "communities", "events", "identity", "plugins", "processes"]


def test_installed_package_has_every_generated_module():
    package = Path(metagov.v1.__file__).parent
    for name in MODULES:
        importlib.import_module(f"metagov.v1.{name}_pb2")
        importlib.import_module(f"metagov.v1.{name}_pb2_grpc")
        assert (package / f"{name}_pb2.pyi").is_file()
    assert (Path(metagov_client.__file__).parent / "py.typed").is_file()
    services = {s.full_name for name in MODULES
                for s in importlib.import_module(f"metagov.v1.{name}_pb2").DESCRIPTOR.services_by_name.values()}
    assert services == {"metagov.v1.Communities", "metagov.v1.Plugins", "metagov.v1.Actions",
                        "metagov.v1.Processes", "metagov.v1.Events", "metagov.v1.Identity"}


def test_installed_package_has_the_plugin_sdk():
    from metagov.v1 import plugin_host_pb2, plugin_host_pb2_grpc

    assert [s.full_name for s in plugin_host_pb2.DESCRIPTOR.services_by_name.values()] == ["metagov.v1.PluginHost"]
    assert callable(plugin_host_pb2_grpc.PluginHostStub)
    root = Path(metagov.v1.__file__).parent.parent
    for package in ("metagov.core", "metagov.plugins", "metagov.plugin_host"):
        module = importlib.import_module(package)
        assert Path(module.__file__).parent.parent == root, f"{package} is not installed beside metagov.v1"
    assert callable(importlib.import_module("metagov.plugin_host.__main__").main)


def test_every_rpc_has_a_client_method():
    names = {"CreateCommunity": "create_community", "GetCommunity": "get_community",
             "UpdateCommunity": "update_community", "DeleteCommunity": "delete_community",
             "ListCommunities": "list_communities", "ListPluginTypes": "list_plugin_types",
             "EnablePlugin": "enable_plugin", "DisablePlugin": "disable_plugin", "ListPlugins": "list_plugins",
             "DeliverWebhook": "deliver_webhook", "PerformAction": "perform_action",
             "StartProcess": "start_process", "GetProcess": "get_process", "CloseProcess": "close_process",
             "ListProcesses": "list_processes", "WatchProcess": "watch_process", "Subscribe": "subscribe",
             "CreateWebhook": "create_webhook", "ListWebhooks": "list_webhooks", "UpdateWebhook": "update_webhook",
             "DeleteWebhook": "delete_webhook", "ListDeliveries": "list_deliveries",
             "RedeliverDelivery": "redeliver", "CreateId": "create_id", "LinkAccount": "link_account",
             "UnlinkAccount": "unlink_account", "GetUser": "get_user", "GetUsers": "get_users",
             "FilterUsersByAccount": "filter_users_by_account", "GetLinkedAccount": "get_linked_account",
             "MergeIds": "merge_ids"}
    rpcs = {m.name for name in MODULES
            for s in importlib.import_module(f"metagov.v1.{name}_pb2").DESCRIPTOR.services_by_name.values()
            for m in s.methods}
    assert rpcs == set(names)
    for method in names.values():
        assert callable(getattr(MetagovClient, method)) and getattr(MetagovClient, method).__doc__


def _normalized(value, reference):
    """json_format's form of `value` as the client gives it: 64-bit integers as ints, integral doubles in
    Structs as ints."""
    if isinstance(reference, dict):
        return {k: _normalized(value.get(k), v) for k, v in reference.items()}
    if isinstance(reference, list):
        return [_normalized(a, b) for a, b in zip(value, reference)]
    if isinstance(reference, str) and isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # json_format writes int64/uint64 as strings
    if isinstance(reference, float) and isinstance(value, int):
        return float(value)
    return value


def _samples():
    process = common_pb2.GovernanceProcess(
        id=2**40 + 1, community="c", plugin="poll", name="vote", status=common_pb2.PROCESS_STATUS_COMPLETED,
        outcome=to_struct({"votes": {"a": 2, "b": 0}, "winner": "a", "tie": [], "ratio": 0.5, "none": None}),
        url="https://x", callback_url="")
    process.created_at.FromJsonString("2026-01-02T03:04:05.123456789Z")
    event = common_pb2.Event(cursor=2**63 + 7, community="c", source="poll", event_type="vote_cast",
                             data=to_struct({"voter": "ann", "ok": True, "n": -3, "nested": [{"x": [1, "y"]}]}))
    community = common_pb2.Community(slug="c", readable_name="C ünïcödé",
                                      plugins=[common_pb2.PluginInstance(id=1, name="poll", config=to_struct({}))])
    types = plugins_pb2.ListPluginTypesResponse(types=[plugins_pb2.PluginType(
        name="randomness", actions=[plugins_pb2.ActionType(slug="random-int", is_public=True,
                                                          input_schema=to_struct({"type": "object"}))],
        event_types=["a", "b"])])
    user = identity_pb2.User(external_id=9007199254740991, linked_accounts=[identity_pb2.LinkedAccount(
        external_id=1, platform_type="discord", custom_data=to_struct({"k": "v"}))])
    delivery = events_pb2.Delivery(id=3, status=events_pb2.DELIVERY_STATUS_FAILED, attempts=4, last_status_code=500)
    listing = processes_pb2.ListProcessesResponse(processes=[process, process], next_page_token="t")
    return [process, event, community, types, user, delivery, listing, events_pb2.DeleteWebhookResponse()]


@pytest.mark.parametrize("message", _samples(), ids=lambda m: m.DESCRIPTOR.name)
def test_to_python_agrees_with_json_format(message):
    converted = to_python(message)
    reference = json_format.MessageToDict(message, preserving_proto_field_name=True,
                                          always_print_fields_with_no_presence=True)
    # Every field is there; unset sub-messages as None (json_format leaves them out).
    assert set(converted) == {f.name for f in message.DESCRIPTOR.fields}
    assert {k for k, v in converted.items() if v is not None} >= set(reference)
    assert _normalized(converted, reference) == reference


def test_to_python_types():
    process, event = _samples()[:2]
    converted = to_python(process)
    assert converted["id"] == 2**40 + 1 and isinstance(converted["id"], int)
    assert converted["status"] == "PROCESS_STATUS_COMPLETED"
    assert converted["outcome"] == {"votes": {"a": 2, "b": 0}, "winner": "a", "tie": [], "ratio": 0.5, "none": None}
    assert isinstance(converted["outcome"]["votes"]["a"], int)
    assert converted["created_at"] == "2026-01-02T03:04:05.123456789Z" and converted["errors"] is None
    assert to_python(event)["cursor"] == 2**63 + 7
    assert to_python(event)["data"]["nested"] == [{"x": [1, "y"]}]
    # Open enums: an unknown number stays a number.
    assert to_python(common_pb2.GovernanceProcess(status=42))["status"] == 42


def test_to_struct_round_trip():
    value = {"s": "ü", "i": 7, "f": 1.25, "neg": -2, "t": True, "n": None, "l": [1, [2, {"x": None}]], "d": {}}
    struct = to_struct(value)
    assert isinstance(struct, struct_pb2.Struct)
    assert to_python(struct_pb2.Struct.FromString(struct.SerializeToString())) == value
    assert to_struct(None) is None and to_python(to_struct({})) == {}
    assert to_python(to_struct({"big": 2.0**60}))["big"] == 2.0**60  # beyond 2^53: stays a float


def test_errors():
    error = MetagovError(grpc.StatusCode.NOT_FOUND, "community 'x' not found")
    assert error.code == grpc.StatusCode.NOT_FOUND and error.details == "community 'x' not found"
    assert str(error) == "NOT_FOUND: community 'x' not found" and isinstance(error, Exception)


class _FakeRpcError(grpc.RpcError):
    def __init__(self, code, details):
        self._code, self._details = code, details

    def code(self):
        return self._code

    def details(self):
        return self._details


class _FakeCall:
    """Yields messages, then fails with `error` (or CANCELLED once cancelled)."""

    def __init__(self, messages, error=None):
        self.messages, self.error, self.cancelled = list(messages), error, False

    def __next__(self):
        if self.cancelled:
            raise _FakeRpcError(grpc.StatusCode.CANCELLED, "Locally cancelled by application!")
        if self.messages:
            return self.messages.pop(0)
        if self.error:
            raise self.error
        raise StopIteration

    def cancel(self):
        self.cancelled = True


def test_streams():
    events = [common_pb2.Event(cursor=n) for n in (1, 2)]
    assert [e["cursor"] for e in Stream(_FakeCall(events))] == [1, 2]
    failing = Stream(_FakeCall(events, _FakeRpcError(grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded")))
    assert next(failing)["cursor"] == 1 and next(failing)["cursor"] == 2
    with pytest.raises(MetagovError) as raised:
        next(failing)
    assert raised.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    # Cancelled by us: iteration ends quietly. Cancelled by someone else: CANCELLED is an error.
    with Stream(_FakeCall(events)) as stream:
        assert next(stream)["cursor"] == 1
        stream.cancel()
        assert list(stream) == [] and stream.cancelled
    foreign = Stream(_FakeCall([], _FakeRpcError(grpc.StatusCode.CANCELLED, "by the server")))
    with pytest.raises(MetagovError) as raised:
        next(foreign)
    assert raised.value.code == grpc.StatusCode.CANCELLED


def test_client_configuration(monkeypatch):
    monkeypatch.setenv("METAGOV_TOKEN", "from-env")
    monkeypatch.setenv("METAGOV_SERVER", "127.0.0.1:1")
    with MetagovClient() as client:
        assert client.target == "127.0.0.1:1" and client.metadata == (("authorization", "Bearer from-env"),)
    with MetagovClient("127.0.0.1:2", token="t", timeout=1.5) as client:
        assert client.target == "127.0.0.1:2" and client.token == "t" and client.timeout == 1.5
        assert client.metadata == (("authorization", "Bearer t"),)
    with MetagovClient("127.0.0.1:2", token="") as client:
        assert client.metadata == ()
    monkeypatch.delenv("METAGOV_TOKEN")
    monkeypatch.delenv("METAGOV_SERVER")
    with MetagovClient() as client:
        assert client.target == "127.0.0.1:50051" and client.metadata == ()
    with pytest.raises(ValueError):
        MetagovClient(token="").list_processes(status="sleeping")


def test_unreachable_server_is_a_metagov_error():
    # Port 1 on loopback: nothing listens; the call fails with UNAVAILABLE within its deadline.
    with MetagovClient("127.0.0.1:1", token="", timeout=5) as client:
        with pytest.raises(MetagovError) as raised:
            client.list_communities()
    assert raised.value.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def test_version():
    assert metagov_client.__version__ == importlib.metadata.version("metagov-client")
