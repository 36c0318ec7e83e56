"""GET /metrics (Prometheus text, read with prometheus_client's parser) and structured logs (--log-format json):
metrics scraped and moving, one JSON line per call and per connection event, never a token, secret or body."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import grpc
import pytest
from prometheus_client.parser import text_string_to_metric_families

import attacks
from helpers import start_poll, vote
from metagov_client import MetagovClient, MetagovError


def scrape(server, token=None):
    request = urllib.request.Request(f"http://{server.target}/metrics")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        return {family.name: family for family in text_string_to_metric_families(response.read().decode())}


def sample(families, family, name, **labels):
    """The value of sample `name` of `family` with `labels` (0 when absent)."""
    if family not in families:
        return 0.0
    for s in families[family].samples:
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    return 0.0


CREATE = "/metagov.v1.Communities/CreateCommunity"
GET = "/metagov.v1.Communities/GetCommunity"


def test_metrics_are_scraped_and_move(make_server):
    server = make_server(arguments=["--handshake-timeout", "1"])
    token = server.admin_token()
    with pytest.raises(urllib.error.HTTPError) as denied:
        scrape(server)
    assert denied.value.code == 401
    before = scrape(server, token)
    with server.client() as client:
        client.create_community("C", slug="c")
        with pytest.raises(MetagovError):
            client.get_community("nope")
        with client.subscribe(community="c") as stream:
            # The stream is opened without waiting for the server: its handler registers the subscriber soon after.
            families = eventually_scraped(
                server, token, lambda f: sample(f, "metagov_event_subscribers", "metagov_event_subscribers") == 1)
            assert sample(families, "metagov_event_subscribers", "metagov_event_subscribers") == 1
            stream.cancel()
        client.enable_plugin("c", "inbound", {"secret": "k"})
    attacks.post_webhooks(server.port, 2, 10)
    silent = attacks.RawH2(server.port, preface=False)
    assert silent.closed.wait(30)
    after = scrape(server, token)
    assert sample(after, "metagov_rpc_requests", "metagov_rpc_requests_total", method=CREATE, code="OK") == \
        sample(before, "metagov_rpc_requests", "metagov_rpc_requests_total", method=CREATE, code="OK") + 1
    assert sample(after, "metagov_rpc_requests", "metagov_rpc_requests_total", method=GET, code="NOT_FOUND") >= 1
    assert sample(after, "metagov_rpc_duration_seconds", "metagov_rpc_duration_seconds_count", method=CREATE) >= 1
    assert after["metagov_rpc_duration_seconds"].type == "histogram"
    assert sample(after, "metagov_connections_opened", "metagov_connections_opened_total") >= 3
    assert sample(after, "metagov_refused", "metagov_refused_total", bound="handshake_timeout") == 1
    assert sample(after, "metagov_events_appended", "metagov_events_appended_total") == 2
    assert sample(after, "metagov_event_subscribers", "metagov_event_subscribers") == 0


def eventually_scraped(server, token, condition, seconds=60):
    """Scrapes until `condition(families)` holds (the outbox depth is measured every few seconds)."""
    deadline = time.monotonic() + seconds
    while True:
        families = scrape(server, token)
        if condition(families) or time.monotonic() > deadline:
            return families
        time.sleep(0.2)


def test_core_metrics_move(make_server):
    """Subscriber lag, outbox depth and attempts, scheduler runs, store transactions, units of work, and plugin
    hook durations and errors per plugin type."""
    server = make_server(arguments=["--scheduler-interval", "1"], config={"metagov.delivery.max_attempts": 50})
    token = server.admin_token()
    with server.client() as client:
        client.create_community("C", slug="c")
        client.enable_plugin("c", "randomness", {"default_low": 0, "default_high": 10})
        client.perform_action("c", "randomness", "set-lucky-number", {"lucky_number": 7})
        with pytest.raises(MetagovError):
            client.perform_action("c", "randomness", "random-int", {"low": 5, "high": 1})
        # A loopback destination is refused at send time: its delivery stays pending, retried.
        client.create_webhook("c", "http://127.0.0.1:9/hook")
        process = start_poll(client)
        with client.subscribe(community="c") as stream:
            vote(client, process["id"], "ann")
            assert next(stream)["event_type"] == "vote_cast"
            stream.cancel()
    families = eventually_scraped(server, token, lambda f: sample(
        f, "metagov_outbox_pending", "metagov_outbox_pending") >= 1 and sample(
        f, "metagov_scheduler_runs", "metagov_scheduler_runs_total") >= 2)
    assert sample(families, "metagov_outbox_pending", "metagov_outbox_pending") == 1
    assert sample(families, "metagov_delivery_attempts", "metagov_delivery_attempts_total") >= 1
    assert sample(families, "metagov_delivery_failures", "metagov_delivery_failures_total") >= 1
    assert sample(families, "metagov_scheduler_runs", "metagov_scheduler_runs_total") >= 2
    assert sample(families, "metagov_scheduler_run_duration_seconds", "metagov_scheduler_run_duration_seconds_count") >= 2
    assert families["metagov_subscriber_lag_events"].type == "histogram"
    assert sample(families, "metagov_subscriber_lag_events", "metagov_subscriber_lag_events_count") >= 1
    # The vote's batch was read when it was the newest event: it was 0 behind.
    assert sample(families, "metagov_subscriber_lag_events", "metagov_subscriber_lag_events_bucket", le="0.0") >= 1
    randomness = sample(families, "metagov_plugin_hook_duration_seconds", "metagov_plugin_hook_duration_seconds_count",
                        plugin="randomness")
    assert randomness >= 3  # initialize, the action that set the number, the one that failed
    assert sample(families, "metagov_plugin_hook_errors", "metagov_plugin_hook_errors_total", plugin="randomness") == 1
    assert sample(families, "metagov_plugin_hook_errors", "metagov_plugin_hook_errors_total", plugin="poll") == 0
    assert sample(families, "metagov_plugin_hook_duration_seconds", "metagov_plugin_hook_duration_seconds_count",
                  plugin="poll") >= 2  # the start and the vote
    transactions = sample(families, "metagov_store_transaction_duration_seconds",
                          "metagov_store_transaction_duration_seconds_count")
    assert transactions >= 5
    assert sample(families, "metagov_store_units_per_transaction", "metagov_store_units_per_transaction_sum") >= transactions
    assert sample(families, "metagov_store_write_duration_seconds", "metagov_store_write_duration_seconds_count") >= 3
    # Nothing conflicted here; the counters are exported from the start.
    assert families["metagov_store_conflicts"].type == "counter"
    assert sample(families, "metagov_store_conflicts", "metagov_store_conflicts_total") == 0
    assert sample(families, "metagov_store_retries", "metagov_store_retries_total") == 0


def test_metrics_public_and_off(make_server):
    public = make_server(arguments=["--metrics-public"])
    assert "metagov_connections_open" in scrape(public)
    off = make_server(arguments=["--no-metrics"])
    with pytest.raises(urllib.error.HTTPError) as missing:
        scrape(off, off.admin_token())
    assert missing.value.code == 404


def test_json_logs_one_line_per_call_and_connection_event_without_secrets(make_server):
    server = make_server(arguments=["--log-format", "json", "--log-level", "debug", "--max-connection-idle", "1"])
    token = server.admin_token()
    with server.client() as client:
        client.create_community("C", slug="c")
        client.enable_plugin("c", "inbound", {"secret": "s3cr3t-config"})
        client.create_webhook("c", "http://127.0.0.1:9/hook", secret="hook-s3cret")
    with grpc.insecure_channel(server.target) as channel:
        from metagov.v1 import communities_pb2, communities_pb2_grpc
        communities_pb2_grpc.CommunitiesStub(channel).GetCommunity(
            communities_pb2.GetCommunityRequest(slug="c"),
            metadata=(("authorization", f"Bearer {token}"), ("x-request-id", "req-42")), timeout=30)
    body_marker = b'{"marker": "BODY-MARKER-zzzz"}'
    for signature, accepted in [(attacks.sign(body_marker, b"s3cr3t-config"), True), ("sha256=00", False)]:
        request = urllib.request.Request(f"http://{server.target}/api/hooks/c/inbound", data=body_marker, method="POST",
                                         headers={"X-Hub-Signature-256": signature})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                assert accepted and response.status == 200
        except urllib.error.HTTPError as error:
            assert not accepted and error.code == 401
    idle = attacks.RawH2(server.port)
    assert idle.wait_for(lambda frame: type(frame).__name__ == "GoAwayFrame") is not None
    idle.close()
    server.stop()
    text = server.log()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    calls = [line for line in lines if line["message"] == "rpc"]
    assert {"method", "code", "duration_ms", "peer", "principal", "request_id", "ts", "level"} <= set(calls[0])
    tagged = [line for line in calls if line["request_id"] == "req-42"]
    assert len(tagged) == 1 and tagged[0]["method"] == "/metagov.v1.Communities/GetCommunity"
    assert tagged[0]["code"] == "OK" and tagged[0]["principal"] == "token:bootstrap-admin"
    assert any(line["message"] == "connection opened" for line in lines)
    assert any(line["message"] == "goaway" and line["reason"] == "idle" for line in lines)
    for secret in [token, token.split("_", 2)[2], "s3cr3t-config", "hook-s3cret", "BODY-MARKER"]:
        assert secret not in text


def test_the_server_allocates_with_mimalloc_and_says_so(make_server):
    """The `listening` line names the allocator serving `malloc`: mimalloc, linked into the server on Linux (a
    dropped link, or a library loaded before it taking `malloc`, would name another)."""
    server = make_server(arguments=["--log-format", "json"])
    with server.client() as client:
        assert client.list_communities() is not None
    server.stop()
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    listening = [line for line in lines if line["message"] == "listening"]
    assert listening, "no 'listening' line in the log"
    assert listening[0]["allocator"].startswith("mimalloc "), listening[0]
