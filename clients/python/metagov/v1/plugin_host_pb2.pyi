from google.protobuf import struct_pb2 as _struct_pb2
from metagov.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InvocationKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INVOCATION_KIND_UNSPECIFIED: _ClassVar[InvocationKind]
    INVOCATION_KIND_INITIALIZE: _ClassVar[InvocationKind]
    INVOCATION_KIND_ACTION: _ClassVar[InvocationKind]
    INVOCATION_KIND_PROCESS_START: _ClassVar[InvocationKind]
    INVOCATION_KIND_PROCESS_UPDATE: _ClassVar[InvocationKind]
    INVOCATION_KIND_PROCESS_CLOSE: _ClassVar[InvocationKind]
    INVOCATION_KIND_PROCESS_RECEIVE_WEBHOOK: _ClassVar[InvocationKind]
    INVOCATION_KIND_WEBHOOK_RECEIVER: _ClassVar[InvocationKind]
    INVOCATION_KIND_VERIFY_SIGNATURE: _ClassVar[InvocationKind]
    INVOCATION_KIND_PERIODIC_TASK: _ClassVar[InvocationKind]

class PluginErrorCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLUGIN_ERROR_CODE_UNSPECIFIED: _ClassVar[PluginErrorCode]
    PLUGIN_ERROR_CODE_INVALID_ARGUMENT: _ClassVar[PluginErrorCode]
    PLUGIN_ERROR_CODE_NOT_FOUND: _ClassVar[PluginErrorCode]
    PLUGIN_ERROR_CODE_ALREADY_EXISTS: _ClassVar[PluginErrorCode]
    PLUGIN_ERROR_CODE_PERMISSION_DENIED: _ClassVar[PluginErrorCode]
    PLUGIN_ERROR_CODE_FAILED_PRECONDITION: _ClassVar[PluginErrorCode]
    PLUGIN_ERROR_CODE_INTERNAL: _ClassVar[PluginErrorCode]
    PLUGIN_ERROR_CODE_UNAUTHENTICATED: _ClassVar[PluginErrorCode]
INVOCATION_KIND_UNSPECIFIED: InvocationKind
INVOCATION_KIND_INITIALIZE: InvocationKind
INVOCATION_KIND_ACTION: InvocationKind
INVOCATION_KIND_PROCESS_START: InvocationKind
INVOCATION_KIND_PROCESS_UPDATE: InvocationKind
INVOCATION_KIND_PROCESS_CLOSE: InvocationKind
INVOCATION_KIND_PROCESS_RECEIVE_WEBHOOK: InvocationKind
INVOCATION_KIND_WEBHOOK_RECEIVER: InvocationKind
INVOCATION_KIND_VERIFY_SIGNATURE: InvocationKind
INVOCATION_KIND_PERIODIC_TASK: InvocationKind
PLUGIN_ERROR_CODE_UNSPECIFIED: PluginErrorCode
PLUGIN_ERROR_CODE_INVALID_ARGUMENT: PluginErrorCode
PLUGIN_ERROR_CODE_NOT_FOUND: PluginErrorCode
PLUGIN_ERROR_CODE_ALREADY_EXISTS: PluginErrorCode
PLUGIN_ERROR_CODE_PERMISSION_DENIED: PluginErrorCode
PLUGIN_ERROR_CODE_FAILED_PRECONDITION: PluginErrorCode
PLUGIN_ERROR_CODE_INTERNAL: PluginErrorCode
PLUGIN_ERROR_CODE_UNAUTHENTICATED: PluginErrorCode

class PluginHostMessage(_message.Message):
    __slots__ = ("register", "result", "pong", "draining")
    REGISTER_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    PONG_FIELD_NUMBER: _ClassVar[int]
    DRAINING_FIELD_NUMBER: _ClassVar[int]
    register: Register
    result: InvocationResult
    pong: Pong
    draining: Draining
    def __init__(self, register: _Optional[_Union[Register, _Mapping]] = ..., result: _Optional[_Union[InvocationResult, _Mapping]] = ..., pong: _Optional[_Union[Pong, _Mapping]] = ..., draining: _Optional[_Union[Draining, _Mapping]] = ...) -> None: ...

class GatewayMessage(_message.Message):
    __slots__ = ("registered", "invocation", "ping")
    REGISTERED_FIELD_NUMBER: _ClassVar[int]
    INVOCATION_FIELD_NUMBER: _ClassVar[int]
    PING_FIELD_NUMBER: _ClassVar[int]
    registered: Registered
    invocation: Invocation
    ping: Ping
    def __init__(self, registered: _Optional[_Union[Registered, _Mapping]] = ..., invocation: _Optional[_Union[Invocation, _Mapping]] = ..., ping: _Optional[_Union[Ping, _Mapping]] = ...) -> None: ...

class Register(_message.Message):
    __slots__ = ("protocol_version", "plugin_types", "max_in_flight", "host_name")
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_TYPES_FIELD_NUMBER: _ClassVar[int]
    MAX_IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    HOST_NAME_FIELD_NUMBER: _ClassVar[int]
    protocol_version: int
    plugin_types: _containers.RepeatedCompositeFieldContainer[PluginTypeDefinition]
    max_in_flight: int
    host_name: str
    def __init__(self, protocol_version: _Optional[int] = ..., plugin_types: _Optional[_Iterable[_Union[PluginTypeDefinition, _Mapping]]] = ..., max_in_flight: _Optional[int] = ..., host_name: _Optional[str] = ...) -> None: ...

class PluginTypeDefinition(_message.Message):
    __slots__ = ("name", "description", "config_schema", "auth_type", "community_platform_id_key", "actions", "processes", "event_types", "accepts_undeclared_event_types", "has_initialize", "has_webhook_receiver", "has_signature_verifier", "periodic_tasks")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CONFIG_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    AUTH_TYPE_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_PLATFORM_ID_KEY_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    PROCESSES_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPES_FIELD_NUMBER: _ClassVar[int]
    ACCEPTS_UNDECLARED_EVENT_TYPES_FIELD_NUMBER: _ClassVar[int]
    HAS_INITIALIZE_FIELD_NUMBER: _ClassVar[int]
    HAS_WEBHOOK_RECEIVER_FIELD_NUMBER: _ClassVar[int]
    HAS_SIGNATURE_VERIFIER_FIELD_NUMBER: _ClassVar[int]
    PERIODIC_TASKS_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    config_schema: _struct_pb2.Struct
    auth_type: str
    community_platform_id_key: str
    actions: _containers.RepeatedCompositeFieldContainer[ActionDefinition]
    processes: _containers.RepeatedCompositeFieldContainer[ProcessTypeDefinition]
    event_types: _containers.RepeatedCompositeFieldContainer[EventTypeDefinition]
    accepts_undeclared_event_types: bool
    has_initialize: bool
    has_webhook_receiver: bool
    has_signature_verifier: bool
    periodic_tasks: _containers.RepeatedCompositeFieldContainer[PeriodicTaskDefinition]
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., config_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., auth_type: _Optional[str] = ..., community_platform_id_key: _Optional[str] = ..., actions: _Optional[_Iterable[_Union[ActionDefinition, _Mapping]]] = ..., processes: _Optional[_Iterable[_Union[ProcessTypeDefinition, _Mapping]]] = ..., event_types: _Optional[_Iterable[_Union[EventTypeDefinition, _Mapping]]] = ..., accepts_undeclared_event_types: _Optional[bool] = ..., has_initialize: _Optional[bool] = ..., has_webhook_receiver: _Optional[bool] = ..., has_signature_verifier: _Optional[bool] = ..., periodic_tasks: _Optional[_Iterable[_Union[PeriodicTaskDefinition, _Mapping]]] = ...) -> None: ...

class ActionDefinition(_message.Message):
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

class ProcessTypeDefinition(_message.Message):
    __slots__ = ("name", "description", "input_schema", "outcome_schema", "has_close", "has_update", "has_receive_webhook")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    HAS_CLOSE_FIELD_NUMBER: _ClassVar[int]
    HAS_UPDATE_FIELD_NUMBER: _ClassVar[int]
    HAS_RECEIVE_WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    input_schema: _struct_pb2.Struct
    outcome_schema: _struct_pb2.Struct
    has_close: bool
    has_update: bool
    has_receive_webhook: bool
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., input_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., outcome_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., has_close: _Optional[bool] = ..., has_update: _Optional[bool] = ..., has_receive_webhook: _Optional[bool] = ...) -> None: ...

class EventTypeDefinition(_message.Message):
    __slots__ = ("event_type", "schema")
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    event_type: str
    schema: _struct_pb2.Struct
    def __init__(self, event_type: _Optional[str] = ..., schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class PeriodicTaskDefinition(_message.Message):
    __slots__ = ("name", "interval_seconds")
    NAME_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    interval_seconds: int
    def __init__(self, name: _Optional[str] = ..., interval_seconds: _Optional[int] = ...) -> None: ...

class Registered(_message.Message):
    __slots__ = ("host_id", "plugin_types", "max_result_bytes")
    HOST_ID_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_TYPES_FIELD_NUMBER: _ClassVar[int]
    MAX_RESULT_BYTES_FIELD_NUMBER: _ClassVar[int]
    host_id: str
    plugin_types: _containers.RepeatedScalarFieldContainer[str]
    max_result_bytes: int
    def __init__(self, host_id: _Optional[str] = ..., plugin_types: _Optional[_Iterable[str]] = ..., max_result_bytes: _Optional[int] = ...) -> None: ...

class Invocation(_message.Message):
    __slots__ = ("id", "kind", "deadline_ms", "plugin", "process", "action", "task", "parameters", "webhook", "attempt")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_MS_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_FIELD_NUMBER: _ClassVar[int]
    PROCESS_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    id: int
    kind: InvocationKind
    deadline_ms: int
    plugin: PluginInstanceSnapshot
    process: ProcessSnapshot
    action: str
    task: str
    parameters: _struct_pb2.Struct
    webhook: WebhookRequest
    attempt: int
    def __init__(self, id: _Optional[int] = ..., kind: _Optional[_Union[InvocationKind, str]] = ..., deadline_ms: _Optional[int] = ..., plugin: _Optional[_Union[PluginInstanceSnapshot, _Mapping]] = ..., process: _Optional[_Union[ProcessSnapshot, _Mapping]] = ..., action: _Optional[str] = ..., task: _Optional[str] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., webhook: _Optional[_Union[WebhookRequest, _Mapping]] = ..., attempt: _Optional[int] = ...) -> None: ...

class PluginInstanceSnapshot(_message.Message):
    __slots__ = ("instance", "state")
    class StateEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    INSTANCE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    instance: _common_pb2.PluginInstance
    state: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, instance: _Optional[_Union[_common_pb2.PluginInstance, _Mapping]] = ..., state: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ProcessSnapshot(_message.Message):
    __slots__ = ("process", "state", "version")
    class StateEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    PROCESS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    process: _common_pb2.GovernanceProcess
    state: _containers.MessageMap[str, _struct_pb2.Value]
    version: int
    def __init__(self, process: _Optional[_Union[_common_pb2.GovernanceProcess, _Mapping]] = ..., state: _Optional[_Mapping[str, _struct_pb2.Value]] = ..., version: _Optional[int] = ...) -> None: ...

class WebhookRequest(_message.Message):
    __slots__ = ("method", "path", "headers", "body")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    method: str
    path: str
    headers: _containers.RepeatedCompositeFieldContainer[WebhookHeader]
    body: bytes
    def __init__(self, method: _Optional[str] = ..., path: _Optional[str] = ..., headers: _Optional[_Iterable[_Union[WebhookHeader, _Mapping]]] = ..., body: _Optional[bytes] = ...) -> None: ...

class WebhookHeader(_message.Message):
    __slots__ = ("name", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class InvocationResult(_message.Message):
    __slots__ = ("id", "result", "error", "effects")
    ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    EFFECTS_FIELD_NUMBER: _ClassVar[int]
    id: int
    result: _struct_pb2.Value
    error: PluginError
    effects: InvocationEffects
    def __init__(self, id: _Optional[int] = ..., result: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., error: _Optional[_Union[PluginError, _Mapping]] = ..., effects: _Optional[_Union[InvocationEffects, _Mapping]] = ...) -> None: ...

class PluginError(_message.Message):
    __slots__ = ("code", "message", "reason")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    code: PluginErrorCode
    message: str
    reason: str
    def __init__(self, code: _Optional[_Union[PluginErrorCode, str]] = ..., message: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class InvocationEffects(_message.Message):
    __slots__ = ("plugin_state_set", "plugin_state_removed", "community_platform_id", "events", "process", "linked_accounts")
    class PluginStateSetEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    PLUGIN_STATE_SET_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_STATE_REMOVED_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_PLATFORM_ID_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    PROCESS_FIELD_NUMBER: _ClassVar[int]
    LINKED_ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    plugin_state_set: _containers.MessageMap[str, _struct_pb2.Value]
    plugin_state_removed: _containers.RepeatedScalarFieldContainer[str]
    community_platform_id: str
    events: _containers.RepeatedCompositeFieldContainer[EmittedEvent]
    process: ProcessChanges
    linked_accounts: _containers.RepeatedCompositeFieldContainer[LinkedAccountRequest]
    def __init__(self, plugin_state_set: _Optional[_Mapping[str, _struct_pb2.Value]] = ..., plugin_state_removed: _Optional[_Iterable[str]] = ..., community_platform_id: _Optional[str] = ..., events: _Optional[_Iterable[_Union[EmittedEvent, _Mapping]]] = ..., process: _Optional[_Union[ProcessChanges, _Mapping]] = ..., linked_accounts: _Optional[_Iterable[_Union[LinkedAccountRequest, _Mapping]]] = ...) -> None: ...

class EmittedEvent(_message.Message):
    __slots__ = ("event_type", "data", "initiator")
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    INITIATOR_FIELD_NUMBER: _ClassVar[int]
    event_type: str
    data: _struct_pb2.Struct
    initiator: _struct_pb2.Struct
    def __init__(self, event_type: _Optional[str] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., initiator: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class ProcessChanges(_message.Message):
    __slots__ = ("status", "outcome", "errors", "url", "state_set", "state_removed")
    class StateSetEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    STATE_SET_FIELD_NUMBER: _ClassVar[int]
    STATE_REMOVED_FIELD_NUMBER: _ClassVar[int]
    status: _common_pb2.ProcessStatus
    outcome: _struct_pb2.Struct
    errors: _struct_pb2.Struct
    url: str
    state_set: _containers.MessageMap[str, _struct_pb2.Value]
    state_removed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, status: _Optional[_Union[_common_pb2.ProcessStatus, str]] = ..., outcome: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., errors: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., url: _Optional[str] = ..., state_set: _Optional[_Mapping[str, _struct_pb2.Value]] = ..., state_removed: _Optional[_Iterable[str]] = ...) -> None: ...

class LinkedAccountRequest(_message.Message):
    __slots__ = ("platform_identifier", "external_id", "custom_data", "link_type", "link_quality")
    PLATFORM_IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_DATA_FIELD_NUMBER: _ClassVar[int]
    LINK_TYPE_FIELD_NUMBER: _ClassVar[int]
    LINK_QUALITY_FIELD_NUMBER: _ClassVar[int]
    platform_identifier: str
    external_id: int
    custom_data: _struct_pb2.Struct
    link_type: str
    link_quality: str
    def __init__(self, platform_identifier: _Optional[str] = ..., external_id: _Optional[int] = ..., custom_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., link_type: _Optional[str] = ..., link_quality: _Optional[str] = ...) -> None: ...

class Ping(_message.Message):
    __slots__ = ("nonce",)
    NONCE_FIELD_NUMBER: _ClassVar[int]
    nonce: int
    def __init__(self, nonce: _Optional[int] = ...) -> None: ...

class Pong(_message.Message):
    __slots__ = ("nonce",)
    NONCE_FIELD_NUMBER: _ClassVar[int]
    nonce: int
    def __init__(self, nonce: _Optional[int] = ...) -> None: ...

class Draining(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
