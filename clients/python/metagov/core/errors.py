"""Metagov's plugin errors. A plugin raises them from any hook; the plugin host reports them to the gateway,
which answers the caller with the mapped gRPC status and the error's detail as the message:
``PluginErrorInternal`` → INTERNAL, ``PluginAuthError`` → PERMISSION_DENIED."""

from __future__ import annotations

from typing import Any, Optional


class APIException(Exception):
    """The base of Metagov's plugin errors (Django REST framework's ``APIException`` in Metagov): an HTTP
    ``status_code``, a human-readable ``detail`` and a machine-readable code (``get_codes()``). Subclasses
    override ``default_detail`` and ``default_code``."""

    status_code = 500
    default_detail = "A server error occurred."
    default_code = "error"

    def __init__(self, detail: Optional[Any] = None, code: Optional[str] = None):
        self.detail = self.default_detail if detail is None else detail
        self.code = self.default_code if code is None else code
        super().__init__(self.detail)

    def get_codes(self) -> str:
        """The machine-readable code, e.g. ``"slack_installer_is_not_admin"``."""
        return self.code

    def __str__(self) -> str:
        return str(self.detail)


class PluginErrorInternal(APIException):
    """The plugin failed (a platform call failed, a process could not start): INTERNAL."""


class PluginAuthError(APIException):
    """The platform refused the plugin's authorization (an OAuth install by a non-admin, a missing client
    secret): PERMISSION_DENIED."""

    default_code = "server_error"
