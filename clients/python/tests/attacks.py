"""What a hostile client does to `metagovd serve`, with raw sockets and HTTP/2 frames (hyperframe, hpack: the
frame and header layers of the `h2` package, without its state machine, so rules can be broken on purpose),
and how the server's memory is watched meanwhile.

Used by test_abuse.py (each attack must be refused with the right code while RSS stays bounded and others are
served) and replayed by bench/abuse (which prints peak and after-load RSS for each).
"""

from __future__ import annotations

import hashlib
import hmac
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

from hpack import Encoder
from hyperframe.frame import (ContinuationFrame, DataFrame, Frame, GoAwayFrame, HeadersFrame, PingFrame,
                              RstStreamFrame, SettingsFrame)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
ENHANCE_YOUR_CALM = 0xB
REFUSED_STREAM = 0x7
STREAM_CLOSED = 0x5


def rss_bytes(pid: int) -> int:
    """Resident set size of a process (Linux /proc)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    import os
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RSSWatch:
    """Samples a process's RSS every 20 ms in a thread: the baseline, the peak while watching, the value after."""

    def __init__(self, pid: int):
        self.pid = pid
        self.baseline = rss_bytes(pid)
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, rss_bytes(self.pid))
            except (OSError, RuntimeError):
                return
            self._stop.wait(0.02)

    def __enter__(self) -> "RSSWatch":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes(self.pid))

    def after(self, settle: float = 1.0) -> int:
        """RSS once the load is gone (after `settle` seconds)."""
        time.sleep(settle)
        return rss_bytes(self.pid)


class RawH2:
    """A client connection that writes HTTP/2 frames as told and collects what the server sends back."""

    def __init__(self, port: int, preface: bool = True, settings: Optional[Dict[int, int]] = None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.encoder = Encoder()
        self.frames: List[Frame] = []
        self.closed = threading.Event()
        self._buffer = b""
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        if preface:
            self.send(PREFACE + SettingsFrame(0, settings=settings or {}).serialize())

    def _read(self) -> None:
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                self._buffer += chunk
                while len(self._buffer) >= 9:
                    frame, length = Frame.parse_frame_header(memoryview(self._buffer[:9]))
                    if len(self._buffer) < 9 + length:
                        break
                    frame.parse_body(memoryview(self._buffer[9:9 + length]))
                    self._buffer = self._buffer[9 + length:]
                    with self._lock:
                        self.frames.append(frame)
                    if isinstance(frame, PingFrame) and "ACK" not in frame.flags and self.answer_pings:
                        self.send(PingFrame(0, opaque_data=frame.opaque_data, flags=["ACK"]).serialize())
        except OSError:
            pass
        self.closed.set()

    answer_pings = True

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def headers(self, stream: int, headers: List[Tuple[str, str]], end_stream: bool = False,
                block: Optional[bytes] = None) -> bytes:
        """HEADERS (+ CONTINUATION when the block is larger than a frame) as bytes."""
        block = self.encoder.encode(headers) if block is None else block
        chunks = [block[i:i + 16384] for i in range(0, len(block), 16384)] or [b""]
        flags = ["END_STREAM"] if end_stream else []
        out = HeadersFrame(stream, data=chunks[0], flags=flags + (["END_HEADERS"] if len(chunks) == 1 else [])).serialize()
        for index, chunk in enumerate(chunks[1:], start=1):
            out += ContinuationFrame(stream, data=chunk, flags=["END_HEADERS"] if index == len(chunks) - 1 else []).serialize()
        return out

    def wait_for(self, predicate: Callable[[Frame], bool], timeout: float = 30) -> Optional[Frame]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for frame in self.frames:
                    if predicate(frame):
                        return frame
            if self.closed.is_set():
                break
            time.sleep(0.01)
        with self._lock:
            return next((frame for frame in self.frames if predicate(frame)), None)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


def closed_by_peer(s: socket.socket) -> bool:
    """Whether the server has closed this socket (whatever it sent before is read and dropped)."""
    s.setblocking(False)
    try:
        while True:
            if s.recv(65536) == b"":
                return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def grpc_headers(path: str, extra: Tuple[Tuple[str, str], ...] = ()) -> List[Tuple[str, str]]:
    return [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "localhost"),
            ("content-type", "application/grpc"), ("te", "trailers"), *extra]


HEALTH_CHECK = "/grpc.health.v1.Health/Check"
EMPTY_MESSAGE = b"\x00\x00\x00\x00\x00"


def health_check_over(connection: RawH2, stream: int) -> bool:
    """A Health/Check on `connection`; whether it was answered (response HEADERS with END_STREAM)."""
    connection.send(connection.headers(stream, grpc_headers(HEALTH_CHECK))
                    + DataFrame(stream, data=EMPTY_MESSAGE, flags=["END_STREAM"]).serialize())
    return connection.wait_for(lambda f: isinstance(f, HeadersFrame) and f.stream_id == stream
                               and "END_STREAM" in f.flags) is not None


@dataclass
class Outcome:
    """What an attack did: the server's RSS before, at its peak and after, and what the attacker saw."""
    name: str
    baseline: int = 0
    peak: int = 0
    after: int = 0
    notes: Dict[str, object] = field(default_factory=dict)


def hpack_bomb(port: int, pid: int, connections: int = 6, blocks: int = 4, repeats: int = 60000) -> Outcome:
    """Header blocks of about `repeats` bytes that decode to `repeats` × 4 KB (a 4000-byte value added to the
    dynamic table once, then referenced by one-byte indices), `blocks` per connection."""
    outcome = Outcome("HPACK bomb")
    resets = 0
    with RSSWatch(pid) as watch:
        for _ in range(connections):
            connection = RawH2(port)
            value = "b" * 4000
            block = connection.encoder.encode(grpc_headers(HEALTH_CHECK) + [("x-bomb", value)] * repeats)
            for index in range(blocks):
                stream = 1 + 2 * index
                connection.send(connection.headers(stream, [], end_stream=True, block=block))
                frame = connection.wait_for(lambda f, s=stream: isinstance(f, RstStreamFrame) and f.stream_id == s)
                if frame is not None and frame.error_code == ENHANCE_YOUR_CALM:
                    resets += 1
            outcome.notes["block_bytes"] = len(block)
            connection.close()
    outcome.baseline, outcome.peak, outcome.after = watch.baseline, watch.peak, watch.after()
    outcome.notes["resets"] = resets
    outcome.notes["expected_resets"] = connections * blocks
    outcome.notes["decoded_bytes_per_block"] = repeats * (4000 + 6)
    return outcome


def sign(body: bytes, secret: bytes = b"k") -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def post_webhooks(port: int, count: int, size: int, community: str = "c") -> int:
    """POSTs `count` signed webhooks of about `size` bytes to the `inbound` plugin; returns how many got 200."""
    ok = 0
    for index in range(count):
        body = b'{"n": %d, "pad": "%s"}' % (index, b"x" * size)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/hooks/{community}/inbound", data=body,
                                         method="POST", headers={"X-Hub-Signature-256": sign(body)})
        with urllib.request.urlopen(request, timeout=60) as response:
            ok += response.status == 200
    return ok


def event_tail(port: int, pid: int, count: int = 500, size: int = 1 << 20) -> Outcome:
    """`count` webhooks of `size` bytes, no subscriber: each becomes an event, which the tail must not keep."""
    outcome = Outcome("event tail (1 MB webhooks, no subscriber)")
    with RSSWatch(pid) as watch:
        outcome.notes["accepted"] = post_webhooks(port, count, size)
    outcome.baseline, outcome.peak, outcome.after = watch.baseline, watch.peak, watch.after()
    return outcome


def subscribe_request(community: str = "c") -> bytes:
    """A framed SubscribeRequest{community} (field 1, string)."""
    encoded = community.encode()
    message = bytes([0x0A, len(encoded)]) + encoded
    return b"\x00" + len(message).to_bytes(4, "big") + message


def stalled_subscribers(port: int, pid: int, token: str, subscribers: int = 20) -> Outcome:
    """`subscribers` Subscribe streams from cursor 0 on connections that grant no flow-control window (SETTINGS
    INITIAL_WINDOW_SIZE 0) and never read: the server may hold at most a batch and a window for each."""
    outcome = Outcome(f"{subscribers} stalled subscribers")
    connections = []
    with RSSWatch(pid) as watch:
        for _ in range(subscribers):
            connection = RawH2(port, settings={SettingsFrame.INITIAL_WINDOW_SIZE: 0})
            connection.send(connection.headers(1, grpc_headers("/metagov.v1.Events/Subscribe",
                                                               (("authorization", f"Bearer {token}"),)))
                            + DataFrame(1, data=subscribe_request(), flags=["END_STREAM"]).serialize())
            connections.append(connection)
        answered = sum(c.wait_for(lambda f: isinstance(f, HeadersFrame) and f.stream_id == 1) is not None
                       for c in connections)
        time.sleep(2)
        outcome.notes["headers_received"] = answered
        for connection in connections:
            connection.close()
    outcome.baseline, outcome.peak, outcome.after = watch.baseline, watch.peak, watch.after()
    return outcome


def idle_connections(port: int, pid: int, silent: int = 1000, idle_h2: int = 200, half_http1: int = 200,
                     wait: float = 5.0) -> Outcome:
    """Connections that send nothing, an HTTP/2 preface only, or half an HTTP/1.1 request; `wait` seconds
    later, how many the server has closed, and how much CPU it used meanwhile."""
    outcome = Outcome(f"{silent} silent + {idle_h2} idle HTTP/2 + {half_http1} half HTTP/1.1 connections")
    sockets: List[socket.socket] = []
    with RSSWatch(pid) as watch:
        for _ in range(silent):
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=30))
        for _ in range(idle_h2):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.sendall(PREFACE + SettingsFrame(0).serialize())
            sockets.append(s)
        for _ in range(half_http1):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.sendall(b"POST /api/hooks/c/inbound HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhal")
            sockets.append(s)
        cpu_before = cpu_seconds(pid)
        time.sleep(wait)
        outcome.notes["cpu_seconds_while_waiting"] = round(cpu_seconds(pid) - cpu_before, 2)
        outcome.notes["closed_by_server"] = sum(closed_by_peer(s) for s in sockets)
        outcome.notes["opened"] = len(sockets)
        for s in sockets:
            s.close()
    outcome.baseline, outcome.peak, outcome.after = watch.baseline, watch.peak, watch.after()
    return outcome


def connection_flood(port: int, pid: int, count: int) -> Outcome:
    """`count` connections held open at once (more than --max-connections): the extra ones are closed on
    arrival, the server does not spin, and a new client is still served once some have gone."""
    outcome = Outcome(f"{count} connections held open")
    sockets: List[socket.socket] = []
    with RSSWatch(pid) as watch:
        for _ in range(count):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(PREFACE + SettingsFrame(0).serialize())
                sockets.append(s)
            except OSError:
                break
        cpu_before = cpu_seconds(pid)
        time.sleep(2)
        outcome.notes["cpu_seconds_while_held"] = round(cpu_seconds(pid) - cpu_before, 2)
        outcome.notes["closed_on_arrival"] = sum(closed_by_peer(s) for s in sockets)
        for s in sockets:
            s.close()
    outcome.baseline, outcome.peak, outcome.after = watch.baseline, watch.peak, watch.after()
    return outcome
