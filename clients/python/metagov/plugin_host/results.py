"""The InvocationResult for one invocation: the hook's return value and effects, or its failure."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Mapping, Optional, Tuple

from google.protobuf import struct_pb2

from metagov.core.datastore import DataStore
from metagov.core.errors import APIException
from metagov.core.models import GovernanceProcess, Plugin
from metagov.plugin_host.errors import plugin_error
from metagov.plugin_host.invocation import HookRun, run_hook
from metagov.v1 import common_pb2
from metagov.v1 import plugin_host_pb2 as pb
from metagov_client.convert import to_value

logger = logging.getLogger(__name__)

_STATUS_VALUES = {"created": common_pb2.PROCESS_STATUS_CREATED, "pending": common_pb2.PROCESS_STATUS_PENDING,
                  "completed": common_pb2.PROCESS_STATUS_COMPLETED}


def answer(invocation: pb.Invocation, plugin_types: Mapping[str, type],
           max_result_bytes: int = 0) -> pb.InvocationResult:
    """Runs the invocation's hook and returns its result with the effects, or the PluginError it raised (then
    without effects). A result larger than ``max_result_bytes`` (0: no limit) becomes an INTERNAL error."""
    try:
        message = _success(invocation.id, run_hook(invocation, plugin_types))
    except Exception as error:
        # A plugin's own errors are expected answers; anything else is a bug worth its traceback.
        logger.warning("invocation %d (%s of %s) failed: %s", invocation.id, _kind_name(invocation.kind),
                       invocation.plugin.instance.name, error, exc_info=not isinstance(error, APIException))
        return pb.InvocationResult(id=invocation.id, error=plugin_error(error))
    size = message.ByteSize()
    if max_result_bytes and size > max_result_bytes:
        return pb.InvocationResult(id=invocation.id, error=pb.PluginError(
            code=pb.PLUGIN_ERROR_CODE_INTERNAL,
            message=f"the result is {size} bytes, more than the gateway accepts ({max_result_bytes})"))
    return message


def _kind_name(kind: int) -> str:
    return pb.InvocationKind.Name(kind) if kind in pb.InvocationKind.values() else str(kind)


def _success(invocation_id: int, run: HookRun) -> pb.InvocationResult:
    try:
        result = to_value(run.result)
    except TypeError as error:
        raise TypeError(f"the hook's return value is not JSON: {error}") from None
    return pb.InvocationResult(id=invocation_id, result=result, effects=effects_message(run.plugin, run.process))


def effects_message(plugin: Plugin, process: Optional[GovernanceProcess]) -> pb.InvocationEffects:
    """What the hook did: plugin state, community_platform_id, events, process changes, linked accounts."""
    state_set, state_removed = _state_changes(plugin.state)
    hook = plugin.hook_effects()
    effects = pb.InvocationEffects(
        plugin_state_set=state_set, plugin_state_removed=state_removed,
        events=[pb.EmittedEvent(event_type=event.event_type, data=_object(event.data, "event data"),
                                initiator=_object(event.initiator, "event initiator"))
                for event in hook.events],
        linked_accounts=[pb.LinkedAccountRequest(platform_identifier=str(link.platform_identifier),
                                                 external_id=link.external_id or 0,
                                                 custom_data=_object(link.custom_data, "custom data"),
                                                 link_type=link.link_type, link_quality=link.link_quality)
                         for link in hook.linked_accounts])
    platform_id = plugin.saved_community_platform_id()
    if platform_id is not None:
        effects.community_platform_id = platform_id
    if process is not None:
        effects.process.CopyFrom(_process_changes(process))
    return effects


def _process_changes(process: GovernanceProcess) -> pb.ProcessChanges:
    state_set, state_removed = _state_changes(process.state)
    changes = pb.ProcessChanges(state_set=state_set, state_removed=state_removed)
    saved = process.saved_changes()
    if "status" in saved:
        changes.status = _STATUS_VALUES[saved["status"]]
    for name in ("outcome", "errors"):
        if name in saved:
            getattr(changes, name).CopyFrom(_object(saved[name], f"process {name}"))
    if "url" in saved:
        changes.url = saved["url"] or ""
    return changes


def _state_changes(state: DataStore) -> Tuple[Dict[str, struct_pb2.Value], List[str]]:
    written, removed = state.changes()
    values: Dict[str, Any] = {key: to_value(form) for key, form in written.items()}
    return values, sorted(removed)


def _object(value: Any, what: str) -> struct_pb2.Struct:
    if value is not None and not isinstance(value, dict):
        raise TypeError(f"the {what} must be a JSON object, not {type(value).__name__}")
    try:
        return to_value(value or {}).struct_value
    except TypeError as error:
        raise TypeError(f"the {what} is not JSON: {error}") from None
