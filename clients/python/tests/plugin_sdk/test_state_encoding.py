"""The JSON form of plugin and process state: every value comes back as stored, through the protocol's
Struct values too, and the form is readable JSON with tagged objects."""

import datetime
import decimal
import json
import math
import uuid

import pytest

from metagov.core.state_encoding import TAG, decode, encode
from metagov_client.convert import to_python, to_value

UTC = datetime.timezone.utc

VALUES = [
    None, True, False, 0, -7, 2**53, -(2**53), 2**53 + 1, -(2**64), 1.5, -0.25, 2.0, 0.0, 1e300, "text", "",
    "ünïcödé", [], {}, [1, "a", None], {"a": {"b": [1, {"c": 2}]}},
    datetime.datetime(2026, 1, 2, 3, 4, 5, 678901), datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=-5, minutes=-30))),
    datetime.date(2026, 2, 28), datetime.time(23, 59, 1, 250000),
    datetime.timedelta(days=-1, seconds=5, microseconds=7),
    (), (1, (2, 3)), {3, 1, 2}, set(), frozenset({"a", "b"}), b"\x00\xffbytes", decimal.Decimal("1.10"),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    {1: "int key", (1, 2): "tuple key", "s": "string key"}, {TAG: "a key of its own", "value": 1},
    {"nested": [(datetime.date(2026, 1, 1), {frozenset({1})}), {"deep": {TAG: "x"}}]},
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_values_round_trip_through_json_and_protobuf(value):
    form = encode(value)
    assert json.loads(json.dumps(form)) == form  # plain JSON
    assert decode(json.loads(json.dumps(form))) == value
    # The protocol carries forms as google.protobuf.Value (numbers as doubles; integral ones come back as ints).
    back = decode(to_python(to_value(form)))
    assert back == value and type(back) is type(value)


def test_types_inside_containers_survive():
    value = {"when": [datetime.date(2026, 1, 1)], "pair": (1, 2.0), "many": {1}}
    back = decode(to_python(to_value(encode(value))))
    assert type(back["pair"]) is tuple and type(back["pair"][1]) is float and type(back["many"]) is set
    assert type(back["when"][0]) is datetime.date


def test_special_floats():
    assert math.isnan(decode(encode(float("nan"))))
    assert decode(encode(float("inf"))) == float("inf") and decode(encode(float("-inf"))) == float("-inf")
    assert encode(float("-inf")) == {TAG: "float", "value": "-inf"}


def test_the_forms_are_readable():
    assert encode({"n": 3, "s": "x", "l": [True, None]}) == {"n": 3, "s": "x", "l": [True, None]}
    assert encode(datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == \
        {TAG: "datetime", "value": "2026-01-02T03:04:05+00:00"}
    assert encode((1, "a")) == {TAG: "tuple", "value": [1, "a"]}
    assert encode({"b", "a", "c"}) == {TAG: "set", "value": ["a", "b", "c"]}
    assert encode({2, "1"}) == {TAG: "set", "value": ["1", 2]} == encode({"1", 2})  # sorted by JSON text
    assert encode(2.0) == {TAG: "float", "value": 2.0} and encode(2.5) == 2.5
    assert encode(2**60) == {TAG: "int", "value": str(2**60)} and encode(2**53) == 2**53
    assert encode(datetime.timedelta(days=1, seconds=2)) == {TAG: "timedelta", "value": [1, 2, 0]}
    assert encode(b"hi") == {TAG: "bytes", "value": "aGk="}
    assert encode({1: "a"}) == {TAG: "dict", "value": [[1, "a"]]}


def test_unsupported_values_are_refused():
    with pytest.raises(TypeError, match="cannot store a value of type object in state"):
        encode({"x": [object()]})
    with pytest.raises(TypeError, match="bytearray"):
        encode(bytearray(b"x"))


def test_unknown_tags_are_kept_and_malformed_ones_refused():
    foreign = {TAG: "money", "value": {"amount": 1}}
    assert decode(foreign) == foreign
    assert decode({TAG: "tuple", "value": [1], "extra": 2}) == {TAG: "tuple", "value": [1], "extra": 2}
    for malformed in ({TAG: "datetime", "value": "yesterday"}, {TAG: "tuple", "value": "abc"},
                      {TAG: "bytes", "value": "@@"}, {TAG: "int", "value": 3}, {TAG: "float", "value": "pi"},
                      {TAG: "dict", "value": [[1]]}, {TAG: "decimal", "value": "x"}, {TAG: "timedelta", "value": 1}):
        with pytest.raises(ValueError, match=f"malformed {malformed[TAG]} in state"):
            decode(malformed)
