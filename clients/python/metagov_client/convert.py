"""Protobuf messages to plain Python values and back."""

from __future__ import annotations

from typing import Any, Dict, Optional

from google.protobuf import struct_pb2, timestamp_pb2
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message


def to_struct(value: Optional[Dict[str, Any]]) -> Optional[struct_pb2.Struct]:
    """A dict as a google.protobuf.Struct (None stays unset)."""
    if value is None:
        return None
    message = struct_pb2.Struct()
    message.update(value)
    return message


def to_value(value: Any) -> struct_pb2.Value:
    """A JSON value (None, bool, int, float, str, list or tuple, dict with str keys; nested) as a
    google.protobuf.Value. TypeError names what is not JSON."""
    message = struct_pb2.Value()
    _set_value(message, value)
    return message


def _set_value(message: struct_pb2.Value, value: Any) -> None:
    if value is None:
        message.null_value = struct_pb2.NULL_VALUE
    elif isinstance(value, bool):
        message.bool_value = value
    elif isinstance(value, (int, float)):
        message.number_value = value
    elif isinstance(value, str):
        message.string_value = value
    elif isinstance(value, dict):
        message.struct_value.SetInParent()
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be strings, not {type(key).__name__} ({key!r})")
            _set_value(message.struct_value.fields[key], item)
    elif isinstance(value, (list, tuple)):
        message.list_value.SetInParent()
        for item in value:
            _set_value(message.list_value.values.add(), item)
    else:
        raise TypeError(f"a {type(value).__name__} is not a JSON value")


def _plain(value: Any) -> Any:
    """Struct numbers are doubles: give integral ones back as ints, like the server's JSON model."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _is_repeated(field: FieldDescriptor) -> bool:
    # protobuf ≥ 6 has is_repeated (and 7 dropped label).
    flag = getattr(field, "is_repeated", None)
    return bool(flag) if flag is not None else field.label == FieldDescriptor.LABEL_REPEATED


def _value(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return to_python(value)
    if field.type == FieldDescriptor.TYPE_ENUM:
        return field.enum_type.values_by_number[value].name if value in field.enum_type.values_by_number else value
    return value


def to_python(message: Message) -> Any:
    """A message as a dict keyed by .proto field names, every field included; Struct/Value/ListValue as plain
    JSON values, Timestamp as an RFC 3339 string, 64-bit integers as ints, enums by name."""
    if isinstance(message, struct_pb2.Struct):
        return {k: to_python(v) for k, v in message.fields.items()}  # the values are plain already
    if isinstance(message, struct_pb2.ListValue):
        return [to_python(v) for v in message.values]
    if isinstance(message, struct_pb2.Value):
        kind = message.WhichOneof("kind")
        if kind is None or kind == "null_value":
            return None
        if kind == "struct_value":
            return to_python(message.struct_value)
        if kind == "list_value":
            return to_python(message.list_value)
        return _plain(getattr(message, kind))
    if isinstance(message, timestamp_pb2.Timestamp):
        return message.ToJsonString()
    result: Dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        value = getattr(message, field.name)
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            result[field.name] = {k: _value(value_field, v) for k, v in value.items()}
        elif _is_repeated(field):
            result[field.name] = [_value(field, v) for v in value]
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            result[field.name] = to_python(value) if message.HasField(field.name) else None
        else:
            result[field.name] = _value(field, value)
    return result
