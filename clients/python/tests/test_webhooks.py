"""Outbound webhook subscriptions and deliveries (to a local receiver), incoming webhooks over HTTP/1.1."""

import hashlib
import hmac
import http.server
import json
import subprocess
import threading
import urllib.error
import urllib.request

import grpc

from helpers import eventually, fails, start_poll, take, vote

FAST_RETRIES = {"metagov.delivery.base_delay_seconds": 0.05, "metagov.delivery.max_delay_seconds": 0.2,
                "metagov.delivery.max_attempts": 3}


class Receiver:
    """A local HTTP receiver answering 500 to the next `failures` requests (or always, when `failing`)."""

    def __init__(self, failures: int = 0):
        self.requests = []
        self.failures = failures
        self.failing = False
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    fail = receiver.failing or receiver.failures > 0
                    receiver.failures = max(0, receiver.failures - 1)
                self.send_response(500 if fail else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait(self, count, timeout=15):
        return eventually(lambda: len(self.requests) >= count and list(self.requests), timeout=timeout)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_webhook_crud(client):
    client.create_community("C", slug="c")
    created = client.create_webhook("c", "http://127.0.0.1:9/a", event_types=["a"], plugins=["poll"], secret="s")
    assert created["id"] > 0 and created["community"] == "c" and created["url"] == "http://127.0.0.1:9/a"
    assert created["has_secret"] and created["event_types"] == ["a"] and created["plugins"] == ["poll"]
    assert "secret" not in created
    updated = client.update_webhook(created["id"], url="http://127.0.0.1:9/b", event_types=[])
    assert updated["url"] == "http://127.0.0.1:9/b" and updated["event_types"] == [] and updated["plugins"] == ["poll"]
    assert [w["id"] for w in client.list_webhooks("c")] == [created["id"]]
    assert [w["id"] for w in client.list_webhooks()] == [created["id"]]
    assert client.delete_webhook(created["id"])["id"] == created["id"]
    assert client.list_webhooks("c") == []
    fails(lambda: client.delete_webhook(created["id"]), grpc.StatusCode.NOT_FOUND, str(created["id"]))
    fails(lambda: client.update_webhook(created["id"], url="http://x/"), grpc.StatusCode.NOT_FOUND)
    fails(lambda: client.create_webhook("c", "not a url"), grpc.StatusCode.INVALID_ARGUMENT)
    fails(lambda: client.create_webhook("zz", "http://127.0.0.1:9/"), grpc.StatusCode.NOT_FOUND, "zz")
    fails(lambda: client.list_webhooks("zz"), grpc.StatusCode.NOT_FOUND, "zz")
    fails(lambda: client.list_deliveries(webhook_id=999), grpc.StatusCode.NOT_FOUND, "999")
    fails(lambda: client.redeliver(999), grpc.StatusCode.NOT_FOUND, "999")


def test_signed_delivery_retries_failure_and_redelivery(make_server):
    server = make_server(config=FAST_RETRIES)
    receiver = Receiver(failures=1)
    try:
        with server.client() as client:
            process = start_poll(client)
            webhook = client.create_webhook("c", receiver.url, event_types=["vote_cast"], secret="k")
            vote(client, process["id"], "ann")
            requests = receiver.wait(2)
            assert len(requests) == 2
            headers, body = requests[-1]
            assert headers["x-metagov-signature"] == "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
            assert requests[0][0]["x-metagov-event-id"] == headers["x-metagov-event-id"]
            payload = json.loads(body)
            assert payload["data"]["voter"] == "ann" and payload["event_type"] == "vote_cast"
            delivered = eventually(lambda: client.list_deliveries(webhook_id=webhook["id"],
                                                                  status="delivered")["deliveries"])
            assert delivered[0]["attempts"] == 2 and delivered[0]["body"]["data"]["voter"] == "ann"
            # Always failing: marked failed after max_attempts, with the last error; then redelivered.
            receiver.failing = True
            vote(client, process["id"], "bob")
            failed = eventually(lambda: client.list_deliveries(webhook_id=webhook["id"], status="failed")["deliveries"])
            assert failed[0]["attempts"] == 3 and failed[0]["last_status_code"] == 500
            receiver.failing = False
            count = len(receiver.requests)
            assert client.redeliver(failed[0]["id"])["status"] == "DELIVERY_STATUS_PENDING"
            receiver.wait(count + 1)
            eventually(lambda: not client.list_deliveries(webhook_id=webhook["id"], status="failed")["deliveries"])
            all_deliveries = client.list_deliveries(community="c")["deliveries"]
            assert {d["status"] for d in all_deliveries} == {"DELIVERY_STATUS_DELIVERED"} and len(all_deliveries) == 2
    finally:
        receiver.close()


def test_process_callback(make_server):
    server = make_server(config=FAST_RETRIES)
    receiver = Receiver()
    try:
        with server.client() as client:
            client.create_community("C", slug="c")
            client.enable_plugin("c", "poll")
            process = client.start_process("c", "poll", "vote", {"title": "T", "options": ["a", "b"]},
                                           callback_url=receiver.url)
            assert process["callback_url"] == receiver.url
            vote(client, process["id"], "ann", "b")
            client.close_process(process["id"])
            bodies = [json.loads(body) for _, body in receiver.wait(1)]
            assert any(b.get("id") == process["id"] and b.get("status") == "completed" for b in bodies), bodies
    finally:
        receiver.close()


def test_incoming_webhook_over_http1(server, client):
    client.create_community("C", slug="c")
    client.enable_plugin("c", "inbound", {"secret": "k"})
    body = b'{"n": 1}'
    url = f"http://{server.target}/api/hooks/c/inbound"

    def post(signature, target=url):
        request = urllib.request.Request(target, data=body, method="POST", headers={"X-Hub-Signature-256": signature,
                                                                                   "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    good = "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert post(good) == 200
    assert post("sha256=00") == 401
    # An unknown community looks exactly like a bad signature: unauthenticated callers learn nothing.
    assert post(good, f"http://{server.target}/api/hooks/zz/inbound") == 401
    with client.subscribe(community="c") as stream:
        [event] = take(stream, 1)
    assert event["event_type"] == "webhook_received" and event["data"]["body"] == {"n": 1}
    with urllib.request.urlopen(f"http://{server.target}/healthz", timeout=10) as response:
        assert response.status == 200
    # gRPC keeps working on the same port.
    assert client.get_community("c")["slug"] == "c"


def test_incoming_webhook_over_http2(server, client, tmp_path):
    """The same route over cleartext HTTP/2 (prior knowledge), with nghttp from nghttp2-client."""
    client.create_community("C", slug="c")
    client.enable_plugin("c", "inbound", {"secret": "k"})
    body = b'{"over": "h2"}'
    (tmp_path / "body.json").write_bytes(body)

    def post(signature, path="/api/hooks/c/inbound"):
        result = subprocess.run(
            ["nghttp", "-v", "-d", str(tmp_path / "body.json"), "-H", f"x-hub-signature-256: {signature}",
             f"http://{server.target}{path}"], capture_output=True, text=True, timeout=20)
        statuses = [line.split(":status:")[1].strip() for line in result.stdout.splitlines() if ":status:" in line]
        assert statuses, result.stdout + result.stderr
        return int(statuses[-1])

    good = "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert post(good) == 200
    assert post("sha256=00") == 401
    assert post(good, "/api/hooks/zz/inbound") == 401
    with client.subscribe(community="c") as stream:
        [event] = take(stream, 1)
    assert event["event_type"] == "webhook_received" and event["data"]["body"] == {"over": "h2"}
