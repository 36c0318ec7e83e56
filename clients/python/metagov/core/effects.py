"""What a plugin hook did besides writing state: events sent to drivers and platform accounts linked to people.
The plugin host sends them to the gateway with the hook's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass
class DriverEvent:
    """An event for drivers (``Plugin.send_event_to_driver``); the gateway adds cursor, time and source."""

    event_type: str
    data: Dict[str, Any]
    initiator: Dict[str, Any]


@dataclass
class LinkedAccountRequest:
    """A platform account to link to a person (``Plugin.add_linked_account``). The gateway links it when the
    hook's effects are applied: ``external_id`` None means a new metagov id, known only then."""

    platform_identifier: str
    external_id: Optional[int]
    custom_data: Dict[str, Any]
    link_type: str
    link_quality: str


@dataclass
class HookEffects:
    """The events and account links of one hook, in order."""

    events: List[DriverEvent] = field(default_factory=list)
    linked_accounts: List[LinkedAccountRequest] = field(default_factory=list)
