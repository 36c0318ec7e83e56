"""JSON-Schema validators with Metagov's behaviour (draft 7, as in ``metagov.core.validators``)."""

from __future__ import annotations

from typing import Any, Dict, Iterator

from jsonschema import Draft7Validator, validators


SaferDraft7Validator = validators.create(
    meta_schema={**Draft7Validator.META_SCHEMA, "additionalProperties": False},
    validators=Draft7Validator.VALIDATORS, type_checker=Draft7Validator.TYPE_CHECKER,
    format_checker=Draft7Validator.FORMAT_CHECKER)
"""Draft 7, but ``check_schema`` accepts only draft-7 keywords (at every level of the schema), so a misspelt
keyword fails when the plugin is registered instead of being ignored."""


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
