from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LinkedAccount(_message.Message):
    __slots__ = ("external_id", "community", "platform_type", "platform_identifier", "community_platform_id", "custom_data", "link_type", "link_quality")
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_TYPE_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_PLATFORM_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_DATA_FIELD_NUMBER: _ClassVar[int]
    LINK_TYPE_FIELD_NUMBER: _ClassVar[int]
    LINK_QUALITY_FIELD_NUMBER: _ClassVar[int]
    external_id: int
    community: str
    platform_type: str
    platform_identifier: str
    community_platform_id: str
    custom_data: _struct_pb2.Struct
    link_type: str
    link_quality: str
    def __init__(self, external_id: _Optional[int] = ..., community: _Optional[str] = ..., platform_type: _Optional[str] = ..., platform_identifier: _Optional[str] = ..., community_platform_id: _Optional[str] = ..., custom_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., link_type: _Optional[str] = ..., link_quality: _Optional[str] = ...) -> None: ...

class User(_message.Message):
    __slots__ = ("external_id", "linked_accounts")
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    LINKED_ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    external_id: int
    linked_accounts: _containers.RepeatedCompositeFieldContainer[LinkedAccount]
    def __init__(self, external_id: _Optional[int] = ..., linked_accounts: _Optional[_Iterable[_Union[LinkedAccount, _Mapping]]] = ...) -> None: ...

class CreateIdRequest(_message.Message):
    __slots__ = ("community", "count")
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    community: str
    count: int
    def __init__(self, community: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class CreateIdResponse(_message.Message):
    __slots__ = ("external_ids",)
    EXTERNAL_IDS_FIELD_NUMBER: _ClassVar[int]
    external_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, external_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class LinkAccountRequest(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: LinkedAccount
    def __init__(self, account: _Optional[_Union[LinkedAccount, _Mapping]] = ...) -> None: ...

class UnlinkAccountRequest(_message.Message):
    __slots__ = ("community", "platform_type", "platform_identifier", "community_platform_id")
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_TYPE_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_PLATFORM_ID_FIELD_NUMBER: _ClassVar[int]
    community: str
    platform_type: str
    platform_identifier: str
    community_platform_id: str
    def __init__(self, community: _Optional[str] = ..., platform_type: _Optional[str] = ..., platform_identifier: _Optional[str] = ..., community_platform_id: _Optional[str] = ...) -> None: ...

class UnlinkAccountResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetUserRequest(_message.Message):
    __slots__ = ("community", "external_id")
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    community: str
    external_id: int
    def __init__(self, community: _Optional[str] = ..., external_id: _Optional[int] = ...) -> None: ...

class GetUsersRequest(_message.Message):
    __slots__ = ("community", "platform_type", "community_platform_id")
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_TYPE_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_PLATFORM_ID_FIELD_NUMBER: _ClassVar[int]
    community: str
    platform_type: str
    community_platform_id: str
    def __init__(self, community: _Optional[str] = ..., platform_type: _Optional[str] = ..., community_platform_id: _Optional[str] = ...) -> None: ...

class GetUsersResponse(_message.Message):
    __slots__ = ("users",)
    USERS_FIELD_NUMBER: _ClassVar[int]
    users: _containers.RepeatedCompositeFieldContainer[User]
    def __init__(self, users: _Optional[_Iterable[_Union[User, _Mapping]]] = ...) -> None: ...

class FilterUsersByAccountRequest(_message.Message):
    __slots__ = ("community", "platform_type", "platform_identifier", "community_platform_id")
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_TYPE_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_PLATFORM_ID_FIELD_NUMBER: _ClassVar[int]
    community: str
    platform_type: str
    platform_identifier: str
    community_platform_id: str
    def __init__(self, community: _Optional[str] = ..., platform_type: _Optional[str] = ..., platform_identifier: _Optional[str] = ..., community_platform_id: _Optional[str] = ...) -> None: ...

class GetLinkedAccountRequest(_message.Message):
    __slots__ = ("community", "external_id", "platform_type", "community_platform_id")
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_TYPE_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_PLATFORM_ID_FIELD_NUMBER: _ClassVar[int]
    community: str
    external_id: int
    platform_type: str
    community_platform_id: str
    def __init__(self, community: _Optional[str] = ..., external_id: _Optional[int] = ..., platform_type: _Optional[str] = ..., community_platform_id: _Optional[str] = ...) -> None: ...

class MergeIdsRequest(_message.Message):
    __slots__ = ("community", "primary_id", "secondary_id")
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_ID_FIELD_NUMBER: _ClassVar[int]
    SECONDARY_ID_FIELD_NUMBER: _ClassVar[int]
    community: str
    primary_id: int
    secondary_id: int
    def __init__(self, community: _Optional[str] = ..., primary_id: _Optional[int] = ..., secondary_id: _Optional[int] = ...) -> None: ...
