"""Running the hook of one invocation: the plugin (and process) objects are built from the gateway's snapshot,
then the hook is called as Metagov calls it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional

from metagov.core.datastore import DataStore
from metagov.core.models import Community, GovernanceProcess, Plugin
from metagov.core.plugin_manager import Parameters
from metagov.plugin_host.request import WebhookRequest
from metagov.v1 import common_pb2
from metagov.v1 import plugin_host_pb2 as pb
from metagov_client.convert import to_python

STATUS_NAMES = {common_pb2.PROCESS_STATUS_CREATED: "created", common_pb2.PROCESS_STATUS_PENDING: "pending",
                common_pb2.PROCESS_STATUS_COMPLETED: "completed"}
"""Process statuses of the protocol → Metagov's values."""


@dataclass
class HookRun:
    """A hook that returned: its return value and the objects it changed."""

    result: Any
    plugin: Plugin
    process: Optional[GovernanceProcess]


def run_hook(invocation: pb.Invocation, plugin_types: Mapping[str, type]) -> HookRun:
    """Calls the hook ``invocation`` names on objects built from its snapshot; exceptions propagate."""
    name = invocation.plugin.instance.name
    plugin_cls = plugin_types.get(name)
    if plugin_cls is None:
        raise LookupError(f"plugin type '{name}' is not served by this host")
    hook = _HOOKS.get(invocation.kind)
    if hook is None:
        raise LookupError(f"unknown invocation kind {invocation.kind}")
    plugin = _plugin(plugin_cls, invocation.plugin)
    process = _process(plugin_cls, plugin, invocation.process) if invocation.kind in _PROCESS_KINDS else None
    return HookRun(hook(invocation, plugin, process), plugin, process)


def _plugin(cls: type, snapshot: pb.PluginInstanceSnapshot) -> Plugin:
    instance = snapshot.instance
    return cls(id=instance.id, community=Community(instance.community), config=to_python(instance.config) or {},
               community_platform_id=instance.community_platform_id, state=_state(snapshot.state))


def _process(plugin_cls: type, plugin: Plugin, snapshot: pb.ProcessSnapshot) -> GovernanceProcess:
    process = snapshot.process
    cls = plugin_cls._process_registry.get(process.name)
    if cls is None:
        raise LookupError(f"process type '{plugin_cls.name}.{process.name}' is not served by this host")
    return cls(id=process.id, plugin=plugin, status=STATUS_NAMES.get(process.status, "created"),
               outcome=to_python(process.outcome) or {}, errors=to_python(process.errors) or {}, url=process.url,
               callback_url=process.callback_url, state=_state(snapshot.state))


def _state(values: Mapping[str, Any]) -> DataStore:
    return DataStore({key: to_python(value) for key, value in values.items()})


def _request(invocation: pb.Invocation) -> WebhookRequest:
    webhook = invocation.webhook
    return WebhookRequest(webhook.method, webhook.path, [(h.name, h.value) for h in webhook.headers], webhook.body)


def _parameters(invocation: pb.Invocation) -> Dict[str, Any]:
    return to_python(invocation.parameters) if invocation.HasField("parameters") else {}


def _action(invocation: pb.Invocation, plugin: Plugin, _: Any) -> Any:
    meta = type(plugin)._action_registry.get(invocation.action)
    if meta is None:
        raise LookupError(f"action '{plugin.name}.{invocation.action}' is not served by this host")
    return getattr(plugin, meta.function_name)(**_parameters(invocation))


def _periodic_task(invocation: pb.Invocation, plugin: Plugin, _: Any) -> None:
    if invocation.task not in type(plugin)._task_functions:
        raise LookupError(f"periodic task '{plugin.name}.{invocation.task}' is not served by this host")
    getattr(plugin, invocation.task)()


def _webhook_receiver(invocation: pb.Invocation, plugin: Plugin, _: Any) -> Any:
    receiver = type(plugin)._webhook_receiver_function
    if receiver is None:
        raise LookupError(f"plugin type '{plugin.name}' has no webhook receiver")
    return getattr(plugin, receiver)(_request(invocation))


def _verify_signature(invocation: pb.Invocation, plugin: Plugin, _: Any) -> bool:
    verifier = type(plugin)._webhook_verifier_function
    if verifier is None:
        raise LookupError(f"plugin type '{plugin.name}' has no webhook signature verifier")
    return bool(getattr(plugin, verifier)(_request(invocation)))


def _initialize(_: pb.Invocation, plugin: Plugin, __: Any) -> None:
    plugin.initialize()


def _process_start(invocation: pb.Invocation, _: Plugin, process: GovernanceProcess) -> None:
    process.start(Parameters(values=_parameters(invocation), schema=process.input_schema))


def _process_update(_: pb.Invocation, __: Plugin, process: GovernanceProcess) -> None:
    process.update()


def _process_close(_: pb.Invocation, __: Plugin, process: GovernanceProcess) -> None:
    process.close()


def _process_receive_webhook(invocation: pb.Invocation, _: Plugin, process: GovernanceProcess) -> Any:
    return process.receive_webhook(_request(invocation))


_Hook = Callable[[pb.Invocation, Plugin, Optional[GovernanceProcess]], Any]

_HOOKS: Dict[int, _Hook] = {
    pb.INVOCATION_KIND_INITIALIZE: _initialize,
    pb.INVOCATION_KIND_ACTION: _action,
    pb.INVOCATION_KIND_PROCESS_START: _process_start,
    pb.INVOCATION_KIND_PROCESS_UPDATE: _process_update,
    pb.INVOCATION_KIND_PROCESS_CLOSE: _process_close,
    pb.INVOCATION_KIND_PROCESS_RECEIVE_WEBHOOK: _process_receive_webhook,
    pb.INVOCATION_KIND_WEBHOOK_RECEIVER: _webhook_receiver,
    pb.INVOCATION_KIND_VERIFY_SIGNATURE: _verify_signature,
    pb.INVOCATION_KIND_PERIODIC_TASK: _periodic_task,
}

_PROCESS_KINDS = {pb.INVOCATION_KIND_PROCESS_START, pb.INVOCATION_KIND_PROCESS_UPDATE,
                  pb.INVOCATION_KIND_PROCESS_CLOSE, pb.INVOCATION_KIND_PROCESS_RECEIVE_WEBHOOK}
