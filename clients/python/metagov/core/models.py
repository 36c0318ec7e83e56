"""Metagov's models as plugin code sees them: ``Plugin`` and ``GovernanceProcess`` to subclass, with
``AuthType``, ``ProcessStatus``, ``LinkType``, ``LinkQuality``, ``Community`` and ``DataStore``.

In Metagov they are Django proxy models; here they are plain classes built by the plugin host for one hook
invocation from the gateway's snapshot. Django leftovers in plugin classes (``class Meta: proxy = True``) are
accepted and ignored. As in Metagov, state writes (``self.state.set``) take effect by themselves, while changes
to a process's status, outcome, errors and url (and to a plugin's community_platform_id) are kept only when
``save()`` is called.
"""

from __future__ import annotations

import copy
from enum import Enum
from typing import Any, Dict, Optional, Union

from metagov.core.datastore import DataStore
from metagov.core.effects import DriverEvent, HookEffects, LinkedAccountRequest

__all__ = ["AuthType", "Community", "DataStore", "GovernanceProcess", "LinkQuality", "LinkType", "Plugin",
           "ProcessStatus"]


class AuthType:
    """How a plugin authenticates to its platform (``Plugin.auth_type``)."""

    API_KEY = "api_key"
    OAUTH = "oauth"
    NONE = "none"


class ProcessStatus(Enum):
    """The life of a governance process: created → pending → completed. Processes store the value
    (``self.status = ProcessStatus.PENDING.value``)."""

    CREATED = "created"
    PENDING = "pending"
    COMPLETED = "completed"


class LinkType(Enum):
    """How an account came to be linked to a person, in the gateway's spelling (Metagov's spellings, such as
    ``"manual admin"``, are accepted by ``add_linked_account`` too)."""

    OAUTH = "oauth"
    MANUAL_ADMIN = "manual_admin"
    EMAIL_MATCHING = "email_matching"
    UNKNOWN = "unknown"


class LinkQuality(Enum):
    """How sure the link is, in the gateway's spelling (Metagov's ``"confirmed (strong)"`` and
    ``"confirmed (weak)"`` are accepted by ``add_linked_account`` too)."""

    STRONG_CONFIRM = "confirmed_by_governance"
    WEAK_CONFIRM = "confirmed_by_user"
    UNCONFIRMED = "unconfirmed"
    UNKNOWN = "unknown"


_METAGOV_SPELLINGS = {"manual admin": "manual_admin", "email matching": "email_matching",
                      "confirmed (strong)": "confirmed_by_governance", "confirmed (weak)": "confirmed_by_user"}


def _link_value(value: Union[None, str, Enum], kind: type) -> str:
    if value is None:
        return "unknown"
    text = value.value if isinstance(value, Enum) else _METAGOV_SPELLINGS.get(value, value)
    if text not in {member.value for member in kind}:
        raise ValueError(f"unknown {kind.__name__} {value!r}")
    return text


class Community:
    """The community an instance belongs to (the invocation names it by slug)."""

    def __init__(self, slug: str, readable_name: str = ""):
        self.slug = slug
        self.readable_name = readable_name

    def __str__(self) -> str:
        return f"{self.readable_name} ({self.slug})" if self.readable_name else self.slug


class Plugin:
    """An instance of an enabled plugin. Subclass it, set ``name`` (and optionally ``config_schema``,
    ``auth_type``, ``community_platform_id_key``) and decorate the class with ``Registry.plugin``.

    Instances have ``id``, ``community`` (``.slug``), ``config`` (validated, defaults filled in),
    ``community_platform_id`` and ``state`` (a ``DataStore``)."""

    name: Optional[str] = None
    auth_type = AuthType.NONE
    """How the plugin authenticates to its platform (``AuthType``)."""
    config_schema: Dict[str, Any] = {}
    """JSON-Schema of the config; the gateway validates it when the plugin is enabled."""
    community_platform_id_key: Optional[str] = None
    """Config key whose value becomes the instance's ``community_platform_id``."""
    accepts_undeclared_event_types = True
    """(Not in Metagov, which lets every plugin send any event type.) False: the gateway accepts only the
    event types declared in ``event_schemas``."""

    def __init__(self, *, id: Optional[int] = None, community: Union[None, str, Community] = None,
                 config: Optional[Dict[str, Any]] = None, community_platform_id: Optional[str] = None,
                 state: Optional[DataStore] = None):
        self.id = id
        self.community = Community(community) if isinstance(community, str) else community
        self.config = {} if config is None else config
        self.community_platform_id = community_platform_id or None
        self.state = DataStore() if state is None else state
        self._hook_effects = HookEffects()
        self._initial_community_platform_id = self.community_platform_id
        self._saved_community_platform_id = self.community_platform_id

    @property
    def pk(self) -> Optional[int]:
        """The instance id (Django's name for it)."""
        return self.id

    def initialize(self) -> None:
        """Initialize the plugin. Invoked once, directly after the plugin instance is created."""

    def save(self) -> None:
        """Keeps a changed ``community_platform_id`` (the only field of the instance a hook may change)."""
        self._saved_community_platform_id = self.community_platform_id

    def saved_community_platform_id(self) -> Optional[str]:
        """The community_platform_id this hook saved, or None when it saved no change."""
        changed = self._saved_community_platform_id != self._initial_community_platform_id
        return (self._saved_community_platform_id or "") if changed else None

    def send_event_to_driver(self, event_type: str, data: Any, initiator: Optional[Dict[str, Any]]) -> None:
        """Sends an event to drivers (delivered once the hook's effects are applied). ``data`` that is not
        an object is sent as ``{"value": data}``."""
        payload = data if isinstance(data, dict) else {"value": data}
        self._hook_effects.events.append(DriverEvent(event_type, payload, dict(initiator or {})))

    def add_linked_account(self, *, platform_identifier: str, external_id: Optional[int] = None,
                           custom_data: Optional[Dict[str, Any]] = None, link_type: Union[None, str, Enum] = None,
                           link_quality: Union[None, str, Enum] = None) -> LinkedAccountRequest:
        """Links an account of this plugin's platform to a person: ``external_id``'s, or a new metagov id. An
        existing link is replaced only by one of higher quality. Applied with the hook's effects; the request
        is returned."""
        request = LinkedAccountRequest(platform_identifier, external_id, dict(custom_data or {}),
                                       _link_value(link_type, LinkType), _link_value(link_quality, LinkQuality))
        self._hook_effects.linked_accounts.append(request)
        return request

    def hook_effects(self) -> HookEffects:
        """The events and account links of this hook so far."""
        return self._hook_effects

    def __str__(self) -> str:
        platform = f" ({self.community_platform_id})" if self.community_platform_id else ""
        return f"{self.name}{platform} for '{self.community}'"


_PROCESS_FIELDS = ("status", "outcome", "errors", "url")


class GovernanceProcess:
    """An instance of a governance process. Subclass it, set ``name`` and ``plugin_name`` (and optionally
    ``description``, ``input_schema``, ``outcome_schema``), implement ``start`` and any of ``close``,
    ``update`` and ``receive_webhook``, and decorate the class with ``Registry.governance_process``.

    Instances have ``id``, ``status``, ``outcome``, ``errors``, ``url``, ``callback_url``, ``state`` (a
    ``DataStore``) and ``plugin_inst`` (the plugin instance, also ``plugin``). Call ``save()`` to keep changes
    to status, outcome, errors and url."""

    name: Optional[str] = None
    plugin_name: Optional[str] = None
    description: Optional[str] = None
    input_schema: Optional[Dict[str, Any]] = None
    outcome_schema: Optional[Dict[str, Any]] = None

    def __init__(self, *, id: Optional[int] = None, plugin: Optional[Plugin] = None,
                 status: str = ProcessStatus.CREATED.value, outcome: Optional[Dict[str, Any]] = None,
                 errors: Optional[Dict[str, Any]] = None, url: Optional[str] = None,
                 callback_url: Optional[str] = None, state: Optional[DataStore] = None):
        self.id = id
        self.plugin = plugin
        self.status = status
        self.outcome = {} if outcome is None else outcome
        self.errors = {} if errors is None else errors
        self.url = url or None
        self.callback_url = callback_url or None
        self.state = DataStore() if state is None else state
        self._initial = self._fields()
        self._saved = self._initial

    @property
    def pk(self) -> Optional[int]:
        """The process id (Django's name for it)."""
        return self.id

    @property
    def plugin_inst(self) -> Optional[Plugin]:
        """The plugin instance the process belongs to, to call its methods and read its config and state."""
        return self.plugin

    def save(self) -> None:
        """Keeps the current status, outcome, errors and url (ValueError for an unknown status)."""
        status = self.status.value if isinstance(self.status, ProcessStatus) else self.status
        if status not in {member.value for member in ProcessStatus}:
            raise ValueError(f"unknown process status {self.status!r}")
        self.status = status
        self._saved = self._fields()

    def saved_changes(self) -> Dict[str, Any]:
        """The fields whose saved value differs from the snapshot: status, outcome, errors, url."""
        return {name: value for name, value in self._saved.items() if value != self._initial[name]}

    def _fields(self) -> Dict[str, Any]:
        return copy.deepcopy({name: getattr(self, name) for name in _PROCESS_FIELDS})

    def start(self, parameters: Any) -> None:
        """(REQUIRED) Start the governance process with ``parameters`` (``Parameters``): usually start it on
        the platform, keep internal data in ``state``, set ``status`` to pending, and ``save()``. Raise
        ``PluginErrorInternal`` if it cannot start (the process is then removed)."""

    def close(self) -> None:
        """(OPTIONAL) Close the governance process: usually close it on the platform, set ``status`` to
        completed and the ``outcome``, and ``save()``."""
        raise NotImplementedError

    def receive_webhook(self, request: Any) -> Any:
        """(OPTIONAL) Receive a webhook addressed to the plugin instance while the process is pending: update
        ``state``, ``status``, ``outcome`` or ``errors`` and ``save()``. May return a JSON value."""

    def update(self) -> None:
        """(OPTIONAL) Called on every scheduler pass while the process is pending: check the platform or a
        closing condition, update the process and ``save()``."""

    def __str__(self) -> str:
        plugin = self.plugin
        where = f"{plugin.name}.{self.name} for '{plugin.community}'" if plugin else str(self.name)
        return f"{where} ({self.id}, {self.status})"
