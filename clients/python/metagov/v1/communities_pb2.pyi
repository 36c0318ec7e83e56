from metagov.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateCommunityRequest(_message.Message):
    __slots__ = ("slug", "readable_name")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    READABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    slug: str
    readable_name: str
    def __init__(self, slug: _Optional[str] = ..., readable_name: _Optional[str] = ...) -> None: ...

class GetCommunityRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class UpdateCommunityRequest(_message.Message):
    __slots__ = ("slug", "readable_name")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    READABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    slug: str
    readable_name: str
    def __init__(self, slug: _Optional[str] = ..., readable_name: _Optional[str] = ...) -> None: ...

class DeleteCommunityRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class DeleteCommunityResponse(_message.Message):
    __slots__ = ("community",)
    COMMUNITY_FIELD_NUMBER: _ClassVar[int]
    community: _common_pb2.Community
    def __init__(self, community: _Optional[_Union[_common_pb2.Community, _Mapping]] = ...) -> None: ...

class ListCommunitiesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCommunitiesResponse(_message.Message):
    __slots__ = ("communities", "next_page_token")
    COMMUNITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    communities: _containers.RepeatedCompositeFieldContainer[_common_pb2.Community]
    next_page_token: str
    def __init__(self, communities: _Optional[_Iterable[_Union[_common_pb2.Community, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
