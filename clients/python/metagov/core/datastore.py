"""Persistent key-value state of a plugin instance or a governance process (Metagov's ``DataStore``)."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from metagov.core import state_encoding

_REMOVED = object()


class DataStore:
    """State as one hook sees it: the snapshot the gateway sent with the invocation, plus this hook's own
    writes. Writes are buffered and become the hook's effects; the gateway saves them only if the hook
    succeeds. Values round-trip as with Metagov's jsonpickle store (see ``state_encoding``): ``get`` returns a
    fresh copy, so changing it changes nothing until it is ``set`` again."""

    def __init__(self, snapshot: Optional[Mapping[str, Any]] = None):
        """``snapshot``: the stored values, in their JSON form (``state_encoding``)."""
        self._snapshot: Dict[str, Any] = dict(snapshot or {})
        self._writes: Dict[str, Any] = {}

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or None."""
        form = self._writes.get(key, self._snapshot.get(key))
        if form is _REMOVED or form is None:
            return None
        return state_encoding.decode(form)

    def set(self, key: str, value: Any) -> bool:
        """Stores ``value`` under ``key`` (TypeError for a value that cannot be stored). Returns True."""
        self._writes[key] = state_encoding.encode(value)
        return True

    def remove(self, key: str) -> bool:
        """Removes ``key``; whether it was there."""
        present = self._writes.get(key, self._snapshot.get(key, _REMOVED)) is not _REMOVED
        self._writes[key] = _REMOVED
        return present

    def changes(self) -> Tuple[Dict[str, Any], List[str]]:
        """This hook's writes: the values set (key → JSON form) and the keys removed."""
        written = {key: form for key, form in self._writes.items() if form is not _REMOVED}
        removed = [key for key, form in self._writes.items() if form is _REMOVED]
        return written, removed

    def __repr__(self) -> str:
        keys = sorted({*self._snapshot, *self._writes} - {k for k, f in self._writes.items() if f is _REMOVED})
        return f"<DataStore {keys}>"
