"""Plugin exceptions as the PluginError a host reports: a gRPC status code, a message and a reason."""

from __future__ import annotations

from typing import Any

import jsonschema

from metagov.core.errors import PluginAuthError
from metagov.v1 import plugin_host_pb2 as pb

# HTTP statuses of Django REST framework exceptions (which Metagov plugins may raise, e.g. ValidationError)
# to gRPC codes; any other status is INTERNAL.
_HTTP_CODES = {
    400: pb.PLUGIN_ERROR_CODE_INVALID_ARGUMENT,
    401: pb.PLUGIN_ERROR_CODE_UNAUTHENTICATED,
    403: pb.PLUGIN_ERROR_CODE_PERMISSION_DENIED,
    404: pb.PLUGIN_ERROR_CODE_NOT_FOUND,
    409: pb.PLUGIN_ERROR_CODE_ALREADY_EXISTS,
    412: pb.PLUGIN_ERROR_CODE_FAILED_PRECONDITION,
}


def plugin_error(error: BaseException) -> pb.PluginError:
    """The PluginError for an exception a hook raised:

    - ``PluginAuthError`` → PERMISSION_DENIED (the platform refused), its code as the reason;
    - Metagov's and Django REST framework's exceptions (an HTTP ``status_code`` and a ``detail``) by status:
      400 INVALID_ARGUMENT, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND, 409 ALREADY_EXISTS,
      412 FAILED_PRECONDITION, others (``PluginErrorInternal``) INTERNAL; message the detail, reason the code
      (none for the generic ``"error"``);
    - jsonschema's ValidationError → INVALID_ARGUMENT "Validation error at POINTER: ...";
    - anything else → INTERNAL "ExceptionType: message".
    """
    if isinstance(error, PluginAuthError):
        return pb.PluginError(code=pb.PLUGIN_ERROR_CODE_PERMISSION_DENIED, message=_detail(error.detail),
                              reason=str(error.get_codes()))
    status = getattr(error, "status_code", None)
    if isinstance(status, int) and hasattr(error, "detail"):
        return pb.PluginError(code=_HTTP_CODES.get(status, pb.PLUGIN_ERROR_CODE_INTERNAL),
                              message=_detail(error.detail), reason=_reason(error))
    if isinstance(error, jsonschema.ValidationError):
        pointer = "/" + "/".join(str(part) for part in error.absolute_path)
        return pb.PluginError(code=pb.PLUGIN_ERROR_CODE_INVALID_ARGUMENT,
                              message=f"Validation error at {pointer}: {error.message}")
    text = str(error)
    name = type(error).__name__
    return pb.PluginError(code=pb.PLUGIN_ERROR_CODE_INTERNAL, message=f"{name}: {text}" if text else name)


def _detail(detail: Any) -> str:
    """A detail as text: Django REST framework details may be lists (one message each) or dicts."""
    if isinstance(detail, (list, tuple)):
        return "; ".join(_detail(item) for item in detail)
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {_detail(value)}" for key, value in detail.items())
    return str(detail)


def _reason(error: Any) -> str:
    """The error's code, unless it is Django REST framework's generic ``"error"`` (the plugin gave none)."""
    get_codes = getattr(error, "get_codes", None)
    codes = get_codes() if callable(get_codes) else None
    return codes if isinstance(codes, str) and codes != "error" else ""
