"""Registering plugins with Metagov's decorators: ``Registry.plugin``, ``Registry.governance_process``,
``Registry.action``, ``Registry.event_producer_task`` and ``Registry.webhook_receiver``, plus ``Parameters``,
``VotingStandard`` and ``AuthorizationType``.

Registered plugin classes are in ``plugin_registry`` (name → class); the plugin host registers all of them with
the gateway.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, List, Optional

from metagov.core.validators import SaferDraft7Validator, validate_and_fill_defaults

plugin_registry: Dict[str, type] = {}
"""Every registered plugin class, by plugin name."""


class Parameters:
    """The parameters of a governance process's ``start``: one attribute per parameter, ``None`` for every
    property of the schema that was not given, and the whole object as ``_json``. With a schema, the values
    are validated and its defaults filled in first (jsonschema's ValidationError when they do not match)."""

    def __init__(self, values: Optional[Dict[str, Any]] = None, schema: Optional[Dict[str, Any]] = None):
        values = {} if values is None else values
        if schema:
            validate_and_fill_defaults(values, schema)
        for key, value in values.items():
            setattr(self, key, value)
        self._json = values
        for name in (schema or {}).get("properties") or {}:
            if values.get(name) is None:
                setattr(self, name, None)


class VotingStandard:
    """Standard input parameters of voting processes, to build their input schemas from."""

    INPUT_PARAMETERS: Dict[str, Dict[str, Any]] = {
        "title": {"type": "string"},
        "options": {"type": "array", "items": {"type": "string"}},
        "details": {"type": "string"},
        "closing_at": {"type": "string", "format": "date"},
    }

    @staticmethod
    def create_input_schema(include: Optional[List[str]] = None, exclude: Optional[List[str]] = None,
                            extra_properties: Optional[Dict[str, Any]] = None,
                            required: Optional[List[str]] = None) -> Dict[str, Any]:
        """A schema with the standard parameters (only those in ``include`` when given, without those in
        ``exclude``), plus ``extra_properties``; ``required`` lists the required ones among them."""
        standard = VotingStandard.INPUT_PARAMETERS
        properties = {name: standard[name] for name in include} if include else dict(standard)
        for name in exclude or []:
            properties.pop(name, None)
        properties.update(extra_properties or {})
        schema: Dict[str, Any] = {"properties": properties}
        if required:
            schema["required"] = [name for name in required if name in properties]
        return schema


class AuthorizationType:
    """The two OAuth flows of Metagov: a user logging in, or an app installed to a community."""

    USER_LOGIN = "user"
    APP_INSTALL = "app"


class Registry:
    """Metagov's decorators. Beyond Metagov, this SDK lets a plugin give a periodic task an interval
    (``event_producer_task(interval=SECONDS)``) and declare a webhook signature check
    (``webhook_signature_verifier``)."""

    class EventProducerMeta:
        """What ``event_producer_task`` and ``webhook_receiver`` record on a method."""

        def __init__(self, function_name: str, event_schemas: List[Dict[str, Any]], interval: int = 0):
            self.function_name = function_name
            self.event_schemas = event_schemas
            self.interval = interval

    class ActionFunctionMeta:
        """What ``action`` records on a method."""

        def __init__(self, slug: str, function_name: str, description: str, input_schema: Optional[Dict[str, Any]],
                     output_schema: Optional[Dict[str, Any]], is_public: bool):
            self.slug = slug
            self.function_name = function_name
            self.description = description
            self.input_schema = input_schema
            self.output_schema = output_schema
            self.is_public = is_public

    @staticmethod
    def plugin(cls: type) -> type:
        """Registers a subclass of ``metagov.core.models.Plugin`` as a plugin type: its actions, periodic tasks,
        webhook receiver and signature verifier. Governance processes register themselves afterwards."""
        _check_name(cls)
        if cls.config_schema:
            SaferDraft7Validator.check_schema(cls.config_schema)
        cls._action_registry = {}
        cls._process_registry = {}
        cls._task_functions = []
        cls._webhook_receiver_function = None
        cls._webhook_verifier_function = None
        cls._event_schemas = []
        for method_name, method in inspect.getmembers(cls, callable):
            _register_method(cls, method_name, method)
        plugin_registry[cls.name] = cls
        return cls

    @staticmethod
    def governance_process(cls: type) -> type:
        """Registers a subclass of ``metagov.core.models.GovernanceProcess`` as a process type of the plugin
        named by its ``plugin_name`` (which must be registered before)."""
        _check_name(cls)
        plugin_name = getattr(cls, "plugin_name", None)
        if not plugin_name:
            raise Exception(f"Failed to register {cls.name}: Missing plugin name")
        plugin_cls = plugin_registry.get(plugin_name)
        if plugin_cls is None:
            raise Exception(f"Failed to register {cls.name}: No such plugin '{plugin_name}'. "
                            "Plugin must be declared before process.")
        if cls.input_schema:
            SaferDraft7Validator.check_schema(cls.input_schema)
        plugin_cls._process_registry[cls.name] = cls
        return cls

    @staticmethod
    def action(slug: str, description: str, input_schema: Optional[Dict[str, Any]] = None,
               output_schema: Optional[Dict[str, Any]] = None,
               is_public: bool = False) -> Callable[[Callable], Callable]:
        """Makes a plugin method the action ``PLUGIN.SLUG``. It is called with the validated parameters as
        keyword arguments and returns the result (any JSON value). ``is_public``: callers need no token."""

        def wrapper(function: Callable) -> Callable:
            for schema in (input_schema, output_schema):
                if schema:
                    SaferDraft7Validator.check_schema(schema)
            function._meta = Registry.ActionFunctionMeta(slug, function.__name__, description, input_schema,
                                                        output_schema, is_public)
            return function

        return wrapper

    @staticmethod
    def event_producer_task(event_schemas: Optional[List[Dict[str, Any]]] = None,
                            interval: int = 0) -> Callable[[Callable], Callable]:
        """Makes a plugin method a task the gateway's scheduler runs for every instance, every ``interval``
        seconds (0: on every scheduler pass). ``event_schemas``: the events it sends, as
        ``{"type": ..., "schema": ...}``."""

        def wrapper(function: Callable) -> Callable:
            function._meta_task = Registry.EventProducerMeta(function.__name__, list(event_schemas or []), interval)
            return function

        return wrapper

    @staticmethod
    def webhook_receiver(event_schemas: Optional[List[Dict[str, Any]]] = None) -> Callable[[Callable], Callable]:
        """Makes a plugin method the receiver of the platform webhooks addressed to an instance; it is called
        with the request (``headers``, ``body``, ``data``, ``json()``) and may return a JSON value."""

        def wrapper(function: Callable) -> Callable:
            function._meta_webhook_receiver = Registry.EventProducerMeta(function.__name__, list(event_schemas or []))
            return function

        return wrapper

    @staticmethod
    def webhook_signature_verifier(function: Callable) -> Callable:
        """(Not in Metagov.) Makes a plugin method the signature check of incoming webhooks: called with the
        request before any receiver, it returns whether the signature is valid; the gateway rejects a webhook
        that fails it (HTTP 401) and nothing else runs."""
        function._meta_webhook_verifier = function.__name__
        return function


def _check_name(cls: type) -> None:
    if not isinstance(getattr(cls, "name", None), str) or not cls.name:
        raise Exception(f"Failed to register {cls.__name__}, missing name attribute")


def _register_method(cls: type, method_name: str, method: Any) -> None:
    meta = getattr(method, "_meta", None)
    if isinstance(meta, Registry.ActionFunctionMeta):
        if meta.function_name != method_name:
            raise Exception(f"'{cls.name}.{meta.slug}' is registered as '{method_name}' but defined as "
                            f"'{meta.function_name}'")
        if meta.slug in cls._action_registry:
            raise Exception(f"'{cls.name}.{meta.slug}' already registered")
        cls._action_registry[meta.slug] = meta
    if hasattr(method, "_meta_task"):
        cls._task_functions.append(method_name)
        cls._event_schemas.extend(method._meta_task.event_schemas)
    if hasattr(method, "_meta_webhook_receiver"):
        if cls._webhook_receiver_function:
            raise Exception(f"'{cls.name}' has two webhook receivers: {cls._webhook_receiver_function} and "
                            f"{method_name}")
        cls._webhook_receiver_function = method_name
        cls._event_schemas.extend(method._meta_webhook_receiver.event_schemas)
    if hasattr(method, "_meta_webhook_verifier"):
        if cls._webhook_verifier_function:
            raise Exception(f"'{cls.name}' has two webhook signature verifiers: {cls._webhook_verifier_function} "
                            f"and {method_name}")
        cls._webhook_verifier_function = method_name
