"""The stream of a plugin host to one gateway."""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Callable, Iterator, Mapping, Optional, Sequence, Tuple

import grpc

from metagov.plugin_host.backoff import Backoff
from metagov.plugin_host.results import answer
from metagov.plugin_host.workers import WorkerPool
from metagov.v1 import plugin_host_pb2 as pb
from metagov.v1 import plugin_host_pb2_grpc

logger = logging.getLogger(__name__)

FATAL_CODES = {grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED,
               grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.UNIMPLEMENTED}
"""Statuses that end a connection for good when the gateway answers them before Registered: the token or the
registration is refused, or the gateway has no PluginHost service. Any other failure is retried."""

DEFAULT_CHANNEL_OPTIONS: Sequence[Tuple[str, int]] = (
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.max_receive_message_length", 64 << 20),
    ("grpc.max_send_message_length", 64 << 20),
)
"""HTTP/2 keepalive to notice a silent gateway, and room for large state snapshots."""

_END = None


class GatewayConnection:
    """Connects to one gateway, registers, runs the invocations it sends on a pool of ``max_in_flight``
    threads (never on the thread reading the stream; one that waited for a thread past its deadline is not
    run), answers pings at once, and reconnects with backoff whenever the stream ends, until ``drain()`` or a
    refusal (``fatal_error``)."""

    def __init__(self, target: str, token: str, register: pb.Register, plugin_types: Mapping[str, type],
                 backoff: Optional[Backoff] = None,
                 channel_options: Sequence[Tuple[str, int]] = DEFAULT_CHANNEL_OPTIONS,
                 on_finished: Callable[["GatewayConnection"], None] = lambda connection: None):
        """``on_finished`` is called (from the connection's thread) when it stops for good."""
        self.target = target
        self._metadata = (("authorization", f"Bearer {token.strip()}"),) if token.strip() else ()
        self._register = register
        self._plugin_types = plugin_types
        self._backoff = backoff or Backoff()
        self._channel_options = list(channel_options)
        self._on_finished = on_finished
        self._workers = WorkerPool(register.max_in_flight, name=f"metagov-plugin-host {target}")
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._call: Optional[grpc.Call] = None
        self._outbound: Optional["queue.SimpleQueue[Optional[pb.PluginHostMessage]]"] = None
        self._draining_sent = False
        self._thread = threading.Thread(target=self._run, name=f"metagov-plugin-host {target}", daemon=True)
        self.registered = threading.Event()
        """Set while the gateway has accepted the registration on the current stream."""
        self.registrations = 0
        """How many times the gateway accepted the registration (once per successful connection)."""
        self.fatal_error: Optional[str] = None
        """Why the gateway refused this host for good ("CODE: message"), or None."""

    def start(self) -> None:
        """Starts connecting, on a thread of its own."""
        self._thread.start()

    def drain(self) -> None:
        """Stops: tells the gateway this host is draining (it sends no more invocations, waits for the
        results of those it sent, then ends the stream) and does not reconnect. Without a registered stream,
        stops at once."""
        with self._lock:
            self._stopping.set()
            self._drain_current_call()

    def cancel(self) -> None:
        """Ends the current stream now (results of running hooks are dropped) and does not reconnect."""
        with self._lock:
            self._stopping.set()
            if self._call is not None:
                self._call.cancel()

    def join(self, timeout: Optional[float] = None) -> bool:
        """Waits until the connection stopped and its running hooks returned; whether it did in time."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _drain_current_call(self) -> None:
        if self._call is None or self._draining_sent:
            return
        if self.registered.is_set():
            self._outbound.put(pb.PluginHostMessage(draining=pb.Draining()))
            self._draining_sent = True
        else:
            self._call.cancel()

    def _run(self) -> None:
        try:
            with grpc.insecure_channel(self.target, options=self._channel_options) as channel:
                stub = plugin_host_pb2_grpc.PluginHostStub(channel)
                while not self._stopping.is_set():
                    self._serve_stream(stub)
                    if not self._stopping.is_set():
                        self._stopping.wait(self._backoff.next_delay())
        finally:
            self._workers.shutdown()
            self._on_finished(self)

    def _serve_stream(self, stub: plugin_host_pb2_grpc.PluginHostStub) -> None:
        outbound: "queue.SimpleQueue[Optional[pb.PluginHostMessage]]" = queue.SimpleQueue()
        call = stub.Connect(self._requests(outbound), metadata=self._metadata)
        with self._lock:
            self._call, self._outbound, self._draining_sent = call, outbound, False
            if self._stopping.is_set():
                call.cancel()
        try:
            self._read(call, outbound)
            logger.info("gateway %s ended the stream", self.target)
        except grpc.RpcError as error:
            self._failed(error)
        finally:
            outbound.put(_END)
            with self._lock:
                self._call = self._outbound = None
                self.registered.clear()

    @staticmethod
    def _requests(outbound: "queue.SimpleQueue[Optional[pb.PluginHostMessage]]") -> Iterator[pb.PluginHostMessage]:
        while True:
            message = outbound.get()
            if message is _END:
                return
            yield message

    def _read(self, call: grpc.Call, outbound: "queue.SimpleQueue[Optional[pb.PluginHostMessage]]") -> None:
        outbound.put(pb.PluginHostMessage(register=self._register))
        max_result_bytes = 0
        for message in call:
            kind = message.WhichOneof("message")
            if kind == "invocation":
                self._workers.submit(self._serve, message.invocation, outbound, max_result_bytes, time.monotonic())
            elif kind == "ping":
                outbound.put(pb.PluginHostMessage(pong=pb.Pong(nonce=message.ping.nonce)))
            elif kind == "registered" and not self.registered.is_set():
                max_result_bytes = message.registered.max_result_bytes
                self._registered(message.registered)
            else:
                logger.warning("gateway %s sent an unexpected %s message; ignored", self.target, kind)

    def _registered(self, registered: pb.Registered) -> None:
        with self._lock:
            self.registered.set()
            self.registrations += 1
            self._backoff.reset()
            if self._stopping.is_set():
                self._drain_current_call()
        logger.info("registered with gateway %s as %s: %s", self.target, registered.host_id,
                    ", ".join(registered.plugin_types))

    def _serve(self, invocation: pb.Invocation, outbound: "queue.SimpleQueue[Optional[pb.PluginHostMessage]]",
               max_result_bytes: int, received: float) -> None:
        waited_ms = (time.monotonic() - received) * 1000
        if invocation.deadline_ms and waited_ms >= invocation.deadline_ms:
            # The gateway gave up on it already: running it would only make platform calls nobody records.
            logger.warning("invocation %d waited %.0f ms for a free worker, past its deadline; not run",
                           invocation.id, waited_ms)
            return
        outbound.put(pb.PluginHostMessage(result=answer(invocation, self._plugin_types, max_result_bytes)))

    def _failed(self, error: grpc.RpcError) -> None:
        code, details = error.code(), error.details()
        if self._stopping.is_set() and code == grpc.StatusCode.CANCELLED:
            return
        if not self.registered.is_set() and code in FATAL_CODES:
            self.fatal_error = f"{code.name}: {details}"
            self._stopping.set()
            logger.error("gateway %s refused this host: %s", self.target, self.fatal_error)
            return
        logger.warning("stream to gateway %s failed (%s: %s); reconnecting", self.target, code.name, details)
