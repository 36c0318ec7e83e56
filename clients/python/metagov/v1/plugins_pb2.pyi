from google.protobuf import struct_pb2 as _struct_pb2
from metagov.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListPluginTypesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ActionType(_message.Message):
    __slots__ = ("slug", "description", "input_schema", "output_schema", "is_public")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    IS_PUBLIC_FIELD_NUMBER: _ClassVar[int]
    slug: str
    description: str
    input_schema: _struct_pb2.Struct
    output_schema: _struct_pb2.Struct
    is_public: bool
    def __init__(self, slug: _Optional[str] = ..., description: _Optional[str] = ..., input_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., output_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., is_public: _Optional[bool] = ...) -> None: ...

class ProcessType(_message.Message):
    __slots__ = ("name", "description", "input_schema", "outcome_schema", "can_close")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    CAN_CLOSE_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    input_schema: _struct_pb2.Struct
    outcome_schema: _struct_pb2.Struct
    can_close: bool
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., input_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., outcome_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., can_close: _Optional[bool] = ...) -> None: ...

class PluginType(_message.Message):
    __slots__ = ("name", "description", "config_schema", "auth_type", "actions", "processes", "event_types", "community_platform_id_key")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CONFIG_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    AUTH_TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    PROCESSES_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPES_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_PLATFORM_ID_KEY_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    config_schema: _struct_pb2.Struct
    auth_type: str
    actions: _containers.RepeatedCompositeFieldContainer[ActionType]
    processes: _containers.RepeatedCompositeFieldContainer[ProcessType]
    event_types: _containers.RepeatedScalarFieldContainer[str]
    community_platform_id_key: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., config_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., auth_type: _Optional[str] = ..., actions: _Optional[_Iterable[_Union[ActionType, _Mapping]]] = ..., processes: _Optional[_Iterable[_Union[ProcessType, _Mapping]]] = ..., event_types: _Optional[_Iterable[str]] = ..., community_platform_id_key: _Optional[str] = ...) -> None: ...

class ListPluginTypesResponse(_message.Message):
    __slots__ = ("types",)
    TYPES_FIELD_NUMBER: _ClassVar[int]
    types: _containers.RepeatedCompositeFieldContainer[PluginType]
    def __init__(self, types: _Optional[_Iterable[_Union[PluginType, _Mapping]]] = ...) -> None: ...

class EnablePluginRequest(_message.Message):
    __slots__ = ("community", "name", "config")
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    community: str
    name: str
    config: _struct_pb2.Struct
    def __init__(self, community: _Optional[str] = ..., name: _Optional[str] = ..., config: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class DisablePluginRequest(_message.Message):
    __slots__ = ("community", "name", "community_platform_id", "id")
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_PLATFORM_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    community: str
    name: str
    community_platform_id: str
    id: int
    def __init__(self, community: _Optional[str] = ..., name: _Optional[str] = ..., community_platform_id: _Optional[str] = ..., id: _Optional[int] = ...) -> None: ...

class DisablePluginResponse(_message.Message):
    __slots__ = ("plugin",)
    PLUGIN_FIELD_NUMBER: _ClassVar[int]
    plugin: _common_pb2.PluginInstance
    def __init__(self, plugin: _Optional[_Union[_common_pb2.PluginInstance, _Mapping]] = ...) -> None: ...

class ListPluginsRequest(_message.Message):
    __slots__ = ("community",)
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    community: str
    def __init__(self, community: _Optional[str] = ...) -> None: ...

class ListPluginsResponse(_message.Message):
    __slots__ = ("plugins",)
    PLUGINS_FIELD_NUMBER: _ClassVar[int]
    plugins: _containers.RepeatedCompositeFieldContainer[_common_pb2.PluginInstance]
    def __init__(self, plugins: _Optional[_Iterable[_Union[_common_pb2.PluginInstance, _Mapping]]] = ...) -> None: ...

class DeliverWebhookRequest(_message.Message):
    __slots__ = ("community", "plugin", "headers", "body", "community_platform_id")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_PLATFORM_ID_FIELD_NUMBER: _ClassVar[int]
    community: str
    plugin: str
    headers: _containers.ScalarMap[str, str]
    body: bytes
    community_platform_id: str
    def __init__(self, community: _Optional[str] = ..., plugin: _Optional[str] = ..., headers: _Optional[_Mapping[str, str]] = ..., body: _Optional[bytes] = ..., community_platform_id: _Optional[str] = ...) -> None: ...

class DeliverWebhookResponse(_message.Message):
    __slots__ = ("receiver_ran", "process_ids")
    RECEIVER_RAN_FIELD_NUMBER: _ClassVar[int]
    PROCESS_IDS_FIELD_NUMBER: _ClassVar[int]
    receiver_ran: bool
    process_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, receiver_ran: _Optional[bool] = ..., process_ids: _Optional[_Iterable[int]] = ...) -> None: ...
