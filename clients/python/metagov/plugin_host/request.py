"""The request object webhook receivers get, shaped like the Django REST framework request Metagov passes:
``headers``, ``body``, ``data``, ``json()``, ``method``, ``path``, ``GET``, ``POST`` and ``META``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple
from urllib.parse import parse_qsl, urlsplit


class HttpHeaders(Mapping):
    """Header fields by name, case-insensitive, with ``_`` read as ``-`` (``headers["X_GITHUB_EVENT"]``) like
    Django's. Repeated fields are joined with ``", "``."""

    def __init__(self, fields: Sequence[Tuple[str, str]]):
        self._fields: Dict[str, Tuple[str, str]] = {}
        for name, value in fields:
            key = self._key(name)
            if key in self._fields:
                value = f"{self._fields[key][1]}, {value}"
            self._fields[key] = (name, value)

    @staticmethod
    def _key(name: str) -> str:
        return name.lower().replace("_", "-")

    def __getitem__(self, name: str) -> str:
        return self._fields[self._key(name)][1]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._fields.values())

    def __len__(self) -> int:
        return len(self._fields)


class QueryDict(dict):
    """Form or query parameters: ``q[name]`` and ``q.get(name)`` give the last value, ``q.getlist(name)`` all of
    them, like Django's QueryDict."""

    def __init__(self, pairs: Sequence[Tuple[str, str]] = ()):
        self._lists: Dict[str, List[str]] = {}
        for name, value in pairs:
            self._lists.setdefault(name, []).append(value)
        super().__init__({name: values[-1] for name, values in self._lists.items()})

    def getlist(self, name: str, default: Optional[List[str]] = None) -> List[str]:
        """Every value of ``name``, in order."""
        return list(self._lists.get(name, [] if default is None else default))

    def dict(self) -> Dict[str, str]:
        """The last value of each name, as a plain dict."""
        return {name: values[-1] for name, values in self._lists.items()}


class WebhookRequest:
    """An HTTP request a platform sent to the gateway for this plugin."""

    def __init__(self, method: str, path: str, headers: Sequence[Tuple[str, str]], body: bytes):
        self.method = method
        self.path = urlsplit(path).path
        self.headers = HttpHeaders(headers)
        self.body = body
        self.GET = QueryDict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
        self.content_type = self.headers.get("content-type", "").split(";")[0].strip().lower()
        form = self.content_type == "application/x-www-form-urlencoded"
        self.POST = QueryDict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True) if form else ())
        self.META = self._meta(urlsplit(path).query)

    def json(self) -> Any:
        """The body parsed as JSON (ValueError when it is not JSON)."""
        return json.loads(self.body)

    @property
    def data(self) -> Any:
        """The parsed body, as Django REST framework gives it: JSON for a JSON body, the form fields for a
        form, otherwise an empty dict."""
        if self.content_type == "application/x-www-form-urlencoded":
            return self.POST
        if self.content_type.endswith("json") or (not self.content_type and self.body.lstrip()[:1] in (b"{", b"[")):
            return self.json()
        return {}

    def _meta(self, query: str) -> Dict[str, str]:
        meta = {"REQUEST_METHOD": self.method, "PATH_INFO": self.path, "QUERY_STRING": query,
                "CONTENT_TYPE": self.headers.get("content-type", ""),
                "CONTENT_LENGTH": self.headers.get("content-length", str(len(self.body)))}
        for name in self.headers:
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                meta[f"HTTP_{key}"] = self.headers[name]
        return meta
