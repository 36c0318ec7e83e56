"""Outbound webhook delivery to a local receiver and incoming platform webhooks over HTTP/1.1."""

import hashlib
import hmac
import http.server
import json
import threading
import time
import urllib.error
import urllib.request


class Receiver:
    def __init__(self, failures: int = 0):
        self.requests = []
        self.failures = failures
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = 500 if receiver.failures > 0 else 200
                receiver.failures = max(0, receiver.failures - 1)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait(self, count, timeout=15):
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.requests

    def close(self):
        self.httpd.shutdown()


def test_signed_delivery_with_retries(make_server):
    server = make_server(config={"metagov.delivery.base_delay_seconds": 0.1, "metagov.delivery.max_delay_seconds": 0.3})
    receiver = Receiver(failures=1)
    try:
        with server.client() as client:
            client.create_community("C", slug="c")
            client.enable_plugin("c", "poll")
            webhook = client.create_webhook("c", receiver.url, event_types=["vote_cast"], secret="k")
            vote = client.start_process("c", "poll", "vote", {"title": "T", "options": ["a", "b"]})
            client.perform_action("c", "poll", "cast-vote", {"process_id": vote["id"], "voter": "ann", "option": "a"})
            requests = receiver.wait(2)
            assert len(requests) == 2
            headers, body = requests[-1]
            expected = "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
            assert headers["X-Metagov-Signature"] == expected
            assert requests[0][0]["X-Metagov-Event-Id"] == headers["X-Metagov-Event-Id"]
            assert json.loads(body)["data"]["voter"] == "ann"
            time.sleep(0.3)
            deliveries = client.list_deliveries(webhook_id=webhook["id"])["deliveries"]
            assert deliveries[0]["status"] == "DELIVERY_STATUS_DELIVERED" and deliveries[0]["attempts"] == 2
    finally:
        receiver.close()


def test_incoming_webhook_over_http1(server, client):
    client.create_community("C", slug="c")
    client.enable_plugin("c", "inbound", {"secret": "k"})
    body = b'{"n": 1}'
    url = f"http://{server.target}/api/hooks/c/inbound"

    def post(signature):
        request = urllib.request.Request(url, data=body, method="POST", headers={"X-Hub-Signature-256": signature})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert post("sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()) == 200
    assert post("sha256=00") == 401
    with client.subscribe(community="c") as stream:
        event = next(stream)
    assert event["event_type"] == "webhook_received" and event["data"]["body"] == {"n": 1}
    with urllib.request.urlopen(f"http://{server.target}/healthz", timeout=10) as response:
        assert response.status == 200
