"""JSON-Schema validators with Metagov's behaviour (draft 7, as in ``metagov.core.validators``)."""

from __future__ import annotations

from typing import Any, Dict, Iterator

from jsonschema import Draft7Validator, validators


class SaferDraft7Validator(Draft7Validator):
    """Checks schemas more strictly than draft 7: a schema's top level may hold only draft-7 keywords, so a
    misspelt keyword fails when the plugin is registered instead of being ignored."""

    META_SCHEMA = {**Draft7Validator.META_SCHEMA, "additionalProperties": False}


def _fill_defaults(validator: Any, properties: Dict[str, Any], instance: Any, schema: Dict[str, Any]) -> Iterator[Any]:
    if isinstance(instance, dict):
        for name, subschema in properties.items():
            if isinstance(subschema, dict) and "default" in subschema:
                instance.setdefault(name, subschema["default"])
    yield from Draft7Validator.VALIDATORS["properties"](validator, properties, instance, schema)


DefaultValidatingDraft7Validator = validators.extend(Draft7Validator, {"properties": _fill_defaults})
"""Validates an instance and fills in the defaults its schema declares (``properties.*.default``), at every
level, mutating the instance."""


def validate_and_fill_defaults(values: Dict[str, Any], schema: Dict[str, Any]) -> None:
    """Fills the defaults of ``schema`` into ``values`` and validates them (jsonschema's ValidationError)."""
    DefaultValidatingDraft7Validator(schema).validate(values)
