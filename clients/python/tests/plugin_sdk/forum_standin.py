"""A stand-in for the forum platform the ``townhall`` test plugin talks to: a local HTTP server that records
every call, answers like the forum's API, and can hold message posts until the test releases them (to see how
many run at once)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

API_KEY = "forum-key"


class ForumStandIn:
    """The forum's API on a loopback port: POST /messages, GET /messages?since=ID, POST /polls,
    POST /polls/ID/close. Requests without ``Authorization: Token forum-key`` get 401."""

    def __init__(self):
        self.calls: List[Dict[str, Any]] = []
        self.messages: List[Dict[str, Any]] = []
        self.polls = 0
        self.posting = 0
        self.most_posting = 0
        self._held = False
        self._released = 0
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def close(self) -> None:
        self.release(10**6)
        self._server.shutdown()
        self._server.server_close()

    def hold_posts(self) -> None:
        """From now on, POST /messages waits until ``release`` lets it through."""
        with self._changed:
            self._held = True

    def release(self, count: int) -> None:
        """Lets ``count`` more held posts through."""
        with self._changed:
            self._released += count
            self._changed.notify_all()

    def wait_posting(self, count: int, timeout: float = 15.0) -> None:
        """Waits until ``count`` posts are held at once."""
        with self._changed:
            assert self._changed.wait_for(lambda: self.posting == count, timeout), \
                f"{self.posting} posts in progress, expected {count}"

    def _post_message(self, body: Dict[str, Any]) -> Dict[str, Any]:
        with self._changed:
            self.posting += 1
            self.most_posting = max(self.most_posting, self.posting)
            self._changed.notify_all()
            if self._held:
                self._changed.wait_for(lambda: self._released > 0)
                self._released -= 1
            self.posting -= 1
            message = {"id": len(self.messages) + 1, "author": "bot", **body}
            message["url"] = f"{self.url}/m/{message['id']}"
            self.messages.append(message)
            self._changed.notify_all()
            return message

    def _answer(self, method: str, path: str, query: Dict[str, List[str]], body: Any) -> Optional[Any]:
        if method == "POST" and path == "/messages":
            return self._post_message(body)
        if method == "GET" and path == "/messages":
            since = int(query.get("since", ["0"])[0])
            return [message for message in self.messages if message["id"] > since]
        if method == "POST" and path == "/polls":
            with self._changed:
                self.polls += 1
                return {"id": f"poll-{self.polls}", "url": f"{self.url}/polls/{self.polls}"}
        if method == "POST" and path.startswith("/polls/") and path.endswith("/close"):
            return {}
        return None

    def _handler(self) -> type:
        forum = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                url = urlsplit(self.path)
                with forum._changed:
                    forum.calls.append({"method": self.command, "path": url.path, "body": body,
                                        "authorization": self.headers.get("Authorization")})
                if self.headers.get("Authorization") != f"Token {API_KEY}":
                    return self._send(401, {"error": "bad key"})
                answer = forum._answer(self.command, url.path, parse_qs(url.query), body)
                self._send(404 if answer is None else 200, {"error": "not found"} if answer is None else answer)

            def _send(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
