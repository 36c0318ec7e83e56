"""The Register message: the plugin types of the registry, described completely for the gateway."""

from __future__ import annotations

import inspect
from typing import Any, Dict, Mapping, Optional

from google.protobuf import struct_pb2

from metagov.core.models import GovernanceProcess, Plugin
from metagov.v1 import plugin_host_pb2 as pb
from metagov_client.convert import to_struct

PROTOCOL_VERSION = 1


def register_message(plugin_types: Mapping[str, type], max_in_flight: int, host_name: str) -> pb.Register:
    """Register for ``plugin_types`` (name → registered Plugin class), in name order."""
    return pb.Register(protocol_version=PROTOCOL_VERSION, max_in_flight=max_in_flight, host_name=host_name,
                       plugin_types=[plugin_type_definition(plugin_types[name]) for name in sorted(plugin_types)])


def plugin_type_definition(cls: type) -> pb.PluginTypeDefinition:
    """The definition of a class registered with ``Registry.plugin``."""
    return pb.PluginTypeDefinition(
        name=cls.name,
        description=_description(cls),
        config_schema=_struct(cls.config_schema),
        auth_type=cls.auth_type,
        community_platform_id_key=cls.community_platform_id_key or "",
        actions=[pb.ActionDefinition(slug=meta.slug, description=meta.description or "",
                                     input_schema=_struct(meta.input_schema), output_schema=_struct(meta.output_schema),
                                     is_public=bool(meta.is_public))
                 for meta in cls._action_registry.values()],
        processes=[_process_definition(process) for process in cls._process_registry.values()],
        event_types=_event_types(cls),
        accepts_undeclared_event_types=bool(cls.accepts_undeclared_event_types),
        has_initialize=cls.initialize is not Plugin.initialize,
        has_webhook_receiver=cls._webhook_receiver_function is not None,
        has_signature_verifier=cls._webhook_verifier_function is not None,
        periodic_tasks=[pb.PeriodicTaskDefinition(name=name, interval_seconds=getattr(cls, name)._meta_task.interval)
                        for name in cls._task_functions])


def _process_definition(cls: type) -> pb.ProcessTypeDefinition:
    return pb.ProcessTypeDefinition(
        name=cls.name, description=_description(cls), input_schema=_struct(cls.input_schema),
        outcome_schema=_struct(cls.outcome_schema), has_close=cls.close is not GovernanceProcess.close,
        has_update=cls.update is not GovernanceProcess.update,
        has_receive_webhook=cls.receive_webhook is not GovernanceProcess.receive_webhook)


def _event_types(cls: type) -> list:
    """Declared event types, each once (the first schema given for a type wins)."""
    declared: Dict[str, pb.EventTypeDefinition] = {}
    for event in cls._event_schemas:
        event_type = event.get("type")
        if event_type and event_type not in declared:
            declared[event_type] = pb.EventTypeDefinition(event_type=event_type, schema=_struct(event.get("schema")))
    return list(declared.values())


def _description(cls: type) -> str:
    """The class's ``description``, else its own docstring."""
    description = getattr(cls, "description", None)
    if description:
        return str(description)
    return inspect.cleandoc(cls.__doc__) if cls.__dict__.get("__doc__") else ""


def _struct(value: Optional[Dict[str, Any]]) -> Optional[struct_pb2.Struct]:
    """A schema as a Struct; None (unset) for no schema or an empty one."""
    return to_struct(value) if value else None
