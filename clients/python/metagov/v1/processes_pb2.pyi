from google.protobuf import struct_pb2 as _struct_pb2
from metagov.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StartProcessRequest(_message.Message):
    __slots__ = ("community", "plugin", "process", "parameters", "callback_url", "community_platform_id")
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_FIELD_NUMBER: _ClassVar[int]
    PROCESS_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_URL_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_PLATFORM_ID_FIELD_NUMBER: _ClassVar[int]
    community: str
    plugin: str
    process: str
    parameters: _struct_pb2.Struct
    callback_url: str
    community_platform_id: str
    def __init__(self, community: _Optional[str] = ..., plugin: _Optional[str] = ..., process: _Optional[str] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., callback_url: _Optional[str] = ..., community_platform_id: _Optional[str] = ...) -> None: ...

class GetProcessRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class CloseProcessRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class ListProcessesRequest(_message.Message):
    __slots__ = ("community", "plugin", "process", "status", "page_size", "page_token")
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_FIELD_NUMBER: _ClassVar[int]
    PROCESS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    community: str
    plugin: str
    process: str
    status: _common_pb2.ProcessStatus
    page_size: int
    page_token: str
    def __init__(self, community: _Optional[str] = ..., plugin: _Optional[str] = ..., process: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.ProcessStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListProcessesResponse(_message.Message):
    __slots__ = ("processes", "next_page_token")
    PROCESSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    processes: _containers.RepeatedCompositeFieldContainer[_common_pb2.GovernanceProcess]
    next_page_token: str
    def __init__(self, processes: _Optional[_Iterable[_Union[_common_pb2.GovernanceProcess, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class WatchProcessRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...
