"""A stand-in for the gateway's side of metagov.v1.PluginHost, for testing the plugin host SDK without
metagovd: a grpcio server that checks the token, records each host's Register, answers Registered (or
refuses), and lets a test send invocations and pings on a host's stream and wait for the answers. It
implements Draining as the protocol says: no more invocations, then the call ends once every outstanding
one is answered or past its deadline."""

from __future__ import annotations

import queue
import threading
import time
from concurrent import futures
from typing import Dict, List, Optional

import grpc

from metagov.v1 import plugin_host_pb2 as pb
from metagov.v1 import plugin_host_pb2_grpc

WAIT = 15.0
"""How long a test waits for something the host should do (a failure, never a pause)."""

_END = object()


class HostSession:
    """One host's stream: what it sent, and a way to talk to it."""

    def __init__(self, register: pb.Register, metadata: Dict[str, str]):
        self.register = register
        self.metadata = metadata
        self.outbound: "queue.Queue[object]" = queue.Queue()
        self.results: Dict[int, pb.InvocationResult] = {}
        self.pongs: List[int] = []
        self.draining = threading.Event()
        self.ended = threading.Event()
        self._outstanding: Dict[int, float] = {}  # invocation id → when the gateway stops waiting
        self._changed = threading.Condition()

    def send(self, invocation: pb.Invocation) -> None:
        """Sends an invocation (refused once the host is draining, as the gateway would)."""
        with self._changed:
            assert not self.draining.is_set(), "the host is draining"
            wait = invocation.deadline_ms / 1000 if invocation.deadline_ms else float("inf")
            self._outstanding[invocation.id] = time.monotonic() + wait
        self.outbound.put(pb.GatewayMessage(invocation=invocation))

    def result(self, invocation_id: int, timeout: float = WAIT) -> pb.InvocationResult:
        """The host's answer to an invocation, waiting for it."""
        with self._changed:
            assert self._changed.wait_for(lambda: invocation_id in self.results, timeout), \
                f"no result for invocation {invocation_id} within {timeout} s"
            return self.results[invocation_id]

    def invoke(self, invocation: pb.Invocation, timeout: float = WAIT) -> pb.InvocationResult:
        """Sends an invocation and waits for its result."""
        self.send(invocation)
        return self.result(invocation.id, timeout)

    def ping(self, nonce: int, timeout: float = WAIT) -> None:
        """Pings the host and waits for its pong."""
        self.outbound.put(pb.GatewayMessage(ping=pb.Ping(nonce=nonce)))
        with self._changed:
            assert self._changed.wait_for(lambda: nonce in self.pongs, timeout), f"no pong {nonce}"

    def end(self) -> None:
        """Ends the stream with OK, as a gateway shutting down does."""
        self.outbound.put(_END)

    def drained(self) -> bool:
        """Whether the host is draining and nothing it was sent is still awaited."""
        with self._changed:
            now = time.monotonic()
            return self.draining.is_set() and all(expiry <= now for expiry in self._outstanding.values())

    def received(self, message: pb.PluginHostMessage) -> None:
        kind = message.WhichOneof("message")
        with self._changed:
            if kind == "result":
                self.results[message.result.id] = message.result
                self._outstanding.pop(message.result.id, None)
            elif kind == "pong":
                self.pongs.append(message.pong.nonce)
            elif kind == "draining":
                self.draining.set()
            self._changed.notify_all()


class FakeGateway(plugin_host_pb2_grpc.PluginHostServicer):
    """A PluginHost service on a loopback port. ``refuse``: (code, message) to end every registration with.
    Each host stream is a HostSession in ``sessions``, in connection order."""

    def __init__(self, token: str = "host-token", max_result_bytes: int = 0, port: int = 0,
                 refuse: Optional[tuple] = None):
        self.token = token
        self.max_result_bytes = max_result_bytes
        self.refuse = refuse
        self.sessions: List[HostSession] = []
        self.attempts = 0
        self._changed = threading.Condition()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
        plugin_host_pb2_grpc.add_PluginHostServicer_to_server(self, self._server)
        self.port = self._server.add_insecure_port(f"127.0.0.1:{port}")
        self._server.start()

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stops at once, cutting every stream (as a gateway that dies)."""
        self._server.stop(None).wait()

    def session(self, index: int = 0, timeout: float = WAIT) -> HostSession:
        """The index-th host stream, waiting for it."""
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.sessions) > index, timeout), \
                f"no host stream #{index} within {timeout} s"
            return self.sessions[index]

    def wait_for_attempts(self, count: int, timeout: float = WAIT) -> None:
        """Waits until hosts have tried to connect ``count`` times."""
        with self._changed:
            assert self._changed.wait_for(lambda: self.attempts >= count, timeout), \
                f"{self.attempts} connection attempts, expected {count}"

    def Connect(self, request_iterator, context):
        with self._changed:
            self.attempts += 1
            self._changed.notify_all()
        metadata = dict(context.invocation_metadata())
        if metadata.get("authorization") != f"Bearer {self.token}":
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "a plugin-host token is required")
        first = next(request_iterator, None)
        if first is None or first.WhichOneof("message") != "register":
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "the first message must be Register")
        if self.refuse:
            context.abort(*self.refuse)
        session = HostSession(first.register, metadata)
        threading.Thread(target=self._read, args=(request_iterator, session), daemon=True).start()
        with self._changed:
            self.sessions.append(session)
            self._changed.notify_all()
        yield pb.GatewayMessage(registered=pb.Registered(
            host_id=f"host-{len(self.sessions)}", max_result_bytes=self.max_result_bytes,
            plugin_types=[t.name for t in first.register.plugin_types]))
        try:
            while context.is_active() and not session.drained():
                try:
                    message = session.outbound.get(timeout=0.05)
                except queue.Empty:
                    continue
                if message is _END:
                    return
                yield message
        finally:
            session.ended.set()

    @staticmethod
    def _read(request_iterator, session: HostSession) -> None:
        try:
            for message in request_iterator:
                session.received(message)
        except grpc.RpcError:
            pass


def wait_until(condition, timeout: float = WAIT, what: str = "condition") -> None:
    """Polls ``condition`` until it holds; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout} s"
        time.sleep(0.01)
