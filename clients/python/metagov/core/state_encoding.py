"""The JSON form of plugin and process state values.

Metagov keeps state with jsonpickle, so a plugin gets back the Python values it stored: datetimes, tuples,
sets, nested containers. The gateway stores state as JSON and shows it as such, so values JSON cannot carry
are written as tagged objects, ``{"__metagov_type__": TAG, "value": ...}``, readable in the gateway and
decoded back here. The tags are specified in ``proto/metagov/v1/plugin_host.proto``; every other value is plain
JSON. Numbers travel as doubles, so integers beyond ±2^53 and integral floats are tagged too.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import math
import uuid
from typing import Any, Callable, Dict, List, Tuple

TAG = "__metagov_type__"
"""The key that marks a tagged object."""

_SAFE_INTEGER = 2**53


def encode(value: Any) -> Any:
    """The JSON form of ``value`` (None, booleans, numbers, strings, lists and string-keyed dicts, with
    tagged objects for everything else this module knows). Raises TypeError for a value of another type."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _SAFE_INTEGER else _tagged("int", str(value))
    if isinstance(value, float):
        return _encode_float(value)
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return _encode_dict(value)
    for kind, encoder in _ENCODERS:
        if isinstance(value, kind):
            tag, form = encoder(value)
            return _tagged(tag, form)
    raise TypeError(f"cannot store a value of type {type(value).__name__} in state")


def decode(form: Any) -> Any:
    """The Python value of a JSON form written by ``encode``. Objects with a tag this module does not know
    are kept as they are; a known tag with a malformed value raises ValueError."""
    if isinstance(form, list):
        return [decode(item) for item in form]
    if not isinstance(form, dict):
        return form
    if set(form) == {TAG, "value"} and form[TAG] in _DECODERS:
        try:
            return _DECODERS[form[TAG]](form["value"])
        except (TypeError, ValueError, decimal.InvalidOperation) as error:
            raise ValueError(f"malformed {form[TAG]} in state: {form['value']!r}") from error
    return {key: decode(item) for key, item in form.items()}


def _tagged(tag: str, form: Any) -> Dict[str, Any]:
    return {TAG: tag, "value": form}


def _encode_float(value: float) -> Any:
    if math.isnan(value):
        return _tagged("float", "nan")
    if math.isinf(value):
        return _tagged("float", "inf" if value > 0 else "-inf")
    if value.is_integer():
        return _tagged("float", value)
    return value


def _encode_dict(value: Dict[Any, Any]) -> Any:
    if all(isinstance(key, str) for key in value) and TAG not in value:
        return {key: encode(item) for key, item in value.items()}
    return _tagged("dict", [[encode(key), encode(item)] for key, item in value.items()])


def _sorted_items(items: Any) -> List[Any]:
    """Set members in a stable order: by their JSON text."""
    return sorted((encode(item) for item in items), key=lambda form: json.dumps(form, sort_keys=True))


# In order: datetime before date (a datetime is a date).
_ENCODERS: List[Tuple[type, Callable[[Any], Tuple[str, Any]]]] = [
    (datetime.datetime, lambda v: ("datetime", v.isoformat())),
    (datetime.date, lambda v: ("date", v.isoformat())),
    (datetime.time, lambda v: ("time", v.isoformat())),
    (datetime.timedelta, lambda v: ("timedelta", [v.days, v.seconds, v.microseconds])),
    (tuple, lambda v: ("tuple", [encode(item) for item in v])),
    (set, lambda v: ("set", _sorted_items(v))),
    (frozenset, lambda v: ("frozenset", _sorted_items(v))),
    (bytes, lambda v: ("bytes", base64.b64encode(v).decode("ascii"))),
    (decimal.Decimal, lambda v: ("decimal", str(v))),
    (uuid.UUID, lambda v: ("uuid", str(v))),
]


def _text(form: Any) -> str:
    if not isinstance(form, str):
        raise TypeError("expected text")
    return form


def _items(form: Any) -> List[Any]:
    if not isinstance(form, list):
        raise TypeError("expected a list")
    return [decode(item) for item in form]


def _decode_float(form: Any) -> float:
    if isinstance(form, bool) or not isinstance(form, (int, float, str)):
        raise TypeError("expected a number")
    if isinstance(form, str) and form not in ("nan", "inf", "-inf"):
        raise ValueError("expected nan, inf or -inf")
    return float(form)


def _decode_dict(form: Any) -> Dict[Any, Any]:
    pairs = _items(form)
    if not all(isinstance(pair, list) and len(pair) == 2 for pair in pairs):
        raise TypeError("expected [key, value] pairs")
    return {key: item for key, item in pairs}


def _decode_timedelta(form: Any) -> datetime.timedelta:
    days, seconds, microseconds = form
    return datetime.timedelta(days=days, seconds=seconds, microseconds=microseconds)


_DECODERS: Dict[str, Callable[[Any], Any]] = {
    "datetime": lambda form: datetime.datetime.fromisoformat(_text(form)),
    "date": lambda form: datetime.date.fromisoformat(_text(form)),
    "time": lambda form: datetime.time.fromisoformat(_text(form)),
    "timedelta": _decode_timedelta,
    "tuple": lambda form: tuple(_items(form)),
    "set": lambda form: set(_items(form)),
    "frozenset": lambda form: frozenset(_items(form)),
    "bytes": lambda form: base64.b64decode(_text(form), validate=True),
    "decimal": lambda form: decimal.Decimal(_text(form)),
    "uuid": lambda form: uuid.UUID(_text(form)),
    "int": lambda form: int(_text(form)),
    "float": _decode_float,
    "dict": _decode_dict,
}
