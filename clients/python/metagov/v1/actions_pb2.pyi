from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PerformActionRequest(_message.Message):
    __slots__ = ("community", "plugin", "action", "parameters", "community_platform_id")
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_PLATFORM_ID_FIELD_NUMBER: _ClassVar[int]
    community: str
    plugin: str
    action: str
    parameters: _struct_pb2.Struct
    community_platform_id: str
    def __init__(self, community: _Optional[str] = ..., plugin: _Optional[str] = ..., action: _Optional[str] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., community_platform_id: _Optional[str] = ...) -> None: ...

class PerformActionResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _struct_pb2.Struct
    def __init__(self, result: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...
