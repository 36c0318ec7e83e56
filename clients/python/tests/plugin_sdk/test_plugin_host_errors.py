"""Exceptions a hook raises become plugin errors with Metagov's meaning, and a failed hook reports no effects."""

import pytest

from fake_gateway import FakeGateway
from metagov.core.errors import APIException, PluginAuthError, PluginErrorInternal
from metagov.plugin_host.errors import plugin_error
from metagov.v1 import plugin_host_pb2 as pb
from sdk_helpers import invocation, plugin_snapshot

LEDGER = {"book": "b", "currency": "EUR"}


@pytest.mark.parametrize("how, code, message, reason", [
    ("internal", pb.PLUGIN_ERROR_CODE_INTERNAL, "the ledger server is down", ""),
    ("auth", pb.PLUGIN_ERROR_CODE_PERMISSION_DENIED, "This book is closed to new entries.", "ledger_book_closed"),
    ("validation", pb.PLUGIN_ERROR_CODE_INVALID_ARGUMENT, "Validation error at /amount: 12 is not of type 'string'",
     ""),
    ("bad-result", pb.PLUGIN_ERROR_CODE_INTERNAL,
     "TypeError: the hook's return value is not JSON: a date is not a JSON value", ""),
    ("bad-state", pb.PLUGIN_ERROR_CODE_INTERNAL, "TypeError: cannot store a value of type object in state", ""),
    ("anything else", pb.PLUGIN_ERROR_CODE_INTERNAL, "KeyError: 'missing'", ""),
])
def test_hook_failures_are_mapped(gateway, start_host, how, code, message, reason):
    start_host(gateway.target)
    result = gateway.session().invoke(invocation(1, pb.INVOCATION_KIND_ACTION, plugin_snapshot("ledger", LEDGER),
                                                 action="fail", parameters={"how": how}))
    assert result.WhichOneof("outcome") == "error"
    assert (result.error.code, result.error.message, result.error.reason) == (code, message, reason)
    assert not result.HasField("effects")


def test_invocations_the_host_cannot_serve_fail_with_internal(gateway, start_host):
    start_host(gateway.target)
    session = gateway.session()
    unknown_type = session.invoke(invocation(1, pb.INVOCATION_KIND_ACTION, plugin_snapshot("nope", {}), action="x"))
    assert unknown_type.error.code == pb.PLUGIN_ERROR_CODE_INTERNAL
    assert unknown_type.error.message == "LookupError: plugin type 'nope' is not served by this host"
    unknown_action = session.invoke(invocation(2, pb.INVOCATION_KIND_ACTION, plugin_snapshot("ledger", LEDGER),
                                               action="nope"))
    assert unknown_action.error.message == "LookupError: action 'ledger.nope' is not served by this host"
    no_receiver = session.invoke(invocation(3, pb.INVOCATION_KIND_WEBHOOK_RECEIVER,
                                            plugin_snapshot("ledger", LEDGER), webhook=pb.WebhookRequest()))
    assert no_receiver.error.message == "LookupError: plugin type 'ledger' has no webhook receiver"
    unspecified = session.invoke(invocation(4, pb.INVOCATION_KIND_UNSPECIFIED, plugin_snapshot("ledger", LEDGER)))
    assert unspecified.error.message == "LookupError: unknown invocation kind 0"


def test_oversized_results_become_errors(start_host):
    small = FakeGateway(token="host-token", max_result_bytes=64)
    try:
        start_host(small.target)
        result = small.session().invoke(invocation(1, pb.INVOCATION_KIND_ACTION,
                                                   plugin_snapshot("ledger", LEDGER, state={"entries": []}),
                                                   action="record", parameters={"amount": "1" * 80, "due_in_days": 1}))
        assert result.error.code == pb.PLUGIN_ERROR_CODE_INTERNAL
        assert "more than the gateway accepts (64)" in result.error.message
    finally:
        small.stop()


class _RestFrameworkError(Exception):
    """Shaped like a Django REST framework exception (a plugin's own import)."""

    def __init__(self, status_code, detail, code="invalid"):
        super().__init__(detail)
        self.status_code, self.detail, self._code = status_code, detail, code

    def get_codes(self):
        return self._code


@pytest.mark.parametrize("status, code", [
    (400, pb.PLUGIN_ERROR_CODE_INVALID_ARGUMENT), (401, pb.PLUGIN_ERROR_CODE_UNAUTHENTICATED),
    (403, pb.PLUGIN_ERROR_CODE_PERMISSION_DENIED), (404, pb.PLUGIN_ERROR_CODE_NOT_FOUND),
    (409, pb.PLUGIN_ERROR_CODE_ALREADY_EXISTS), (412, pb.PLUGIN_ERROR_CODE_FAILED_PRECONDITION),
    (500, pb.PLUGIN_ERROR_CODE_INTERNAL), (503, pb.PLUGIN_ERROR_CODE_INTERNAL),
])
def test_http_statuses_of_rest_framework_errors_are_mapped(status, code):
    error = plugin_error(_RestFrameworkError(status, ["users or channel are required"]))
    assert (error.code, error.message, error.reason) == (code, "users or channel are required", "invalid")


def test_error_details_and_codes():
    assert plugin_error(_RestFrameworkError(400, {"title": ["required"], "when": "bad"})).message == \
        "title: required; when: bad"
    internal = plugin_error(PluginErrorInternal())
    assert (internal.code, internal.message, internal.reason) == \
        (pb.PLUGIN_ERROR_CODE_INTERNAL, "A server error occurred.", "")
    auth = plugin_error(PluginAuthError(detail="Incorrect token_type", code="slack_bad_token"))
    assert (auth.code, auth.message, auth.reason) == \
        (pb.PLUGIN_ERROR_CODE_PERMISSION_DENIED, "Incorrect token_type", "slack_bad_token")
    assert plugin_error(RuntimeError()).message == "RuntimeError"
    assert isinstance(PluginErrorInternal("x"), APIException) and str(PluginErrorInternal("x")) == "x"
