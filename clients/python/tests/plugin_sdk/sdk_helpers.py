"""Constants and protocol message builders shared by the plugin SDK tests."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

from google.protobuf import struct_pb2

from forum_standin import API_KEY, ForumStandIn
from metagov.core import state_encoding
from metagov.v1 import common_pb2
from metagov.v1 import plugin_host_pb2 as pb
from metagov_client.convert import to_python, to_struct, to_value

PLUGINS = Path(__file__).resolve().parent / "plugins"
"""The test plugins' directory."""
WEBHOOK_SECRET = "hook-secret"
TOKEN = "host-token"


def townhall_config(forum: ForumStandIn, **extra: Any) -> Dict[str, Any]:
    return {"api_url": forum.url, "api_key": API_KEY, "forum_id": "f1", "webhook_secret": WEBHOOK_SECRET,
            "moderators": [], **extra}


def plugin_snapshot(name: str, config: Mapping[str, Any], state: Optional[Mapping[str, Any]] = None,
                    instance_id: int = 7, platform_id: str = "") -> pb.PluginInstanceSnapshot:
    """An instance snapshot; ``state`` holds Python values (encoded here)."""
    return pb.PluginInstanceSnapshot(
        instance=common_pb2.PluginInstance(id=instance_id, name=name, community="demo",
                                           community_platform_id=platform_id, config=to_struct(dict(config))),
        state=_encoded(state))


def process_snapshot(name: str, status: int = common_pb2.PROCESS_STATUS_CREATED,
                     outcome: Optional[Dict[str, Any]] = None, url: str = "",
                     state: Optional[Mapping[str, Any]] = None, process_id: int = 11) -> pb.ProcessSnapshot:
    process = common_pb2.GovernanceProcess(id=process_id, community="demo", name=name, status=status, url=url,
                                           outcome=to_struct(outcome or {}))
    return pb.ProcessSnapshot(process=process, state=_encoded(state), version=5)


def invocation(invocation_id: int, kind: int, plugin: pb.PluginInstanceSnapshot, **fields: Any) -> pb.Invocation:
    """An Invocation; ``parameters`` may be a dict."""
    if isinstance(fields.get("parameters"), dict):
        fields["parameters"] = to_struct(fields["parameters"])
    return pb.Invocation(id=invocation_id, kind=kind, plugin=plugin, deadline_ms=10_000, attempt=1, **fields)


def webhook(event: str, body: Dict[str, Any], secret: str = WEBHOOK_SECRET) -> pb.WebhookRequest:
    """A forum webhook, signed with ``secret``."""
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return pb.WebhookRequest(method="POST", path="/api/hooks/demo/townhall?delivery=1", body=raw, headers=[
        pb.WebhookHeader(name="content-type", value="application/json"),
        pb.WebhookHeader(name="x-townhall-event", value=event),
        pb.WebhookHeader(name="x-townhall-signature", value=signature)])


def state_values(values: Mapping[str, struct_pb2.Value]) -> Dict[str, Any]:
    """State values of effects, decoded to Python."""
    return {key: state_encoding.decode(to_python(value)) for key, value in values.items()}


def result_value(result: pb.InvocationResult) -> Any:
    """The result's value; fails with the error when the invocation failed."""
    assert result.WhichOneof("outcome") == "result", f"invocation failed: {result.error}"
    return to_python(result.result)


def _encoded(state: Optional[Mapping[str, Any]]) -> Dict[str, struct_pb2.Value]:
    return {key: to_value(state_encoding.encode(value)) for key, value in (state or {}).items()}
