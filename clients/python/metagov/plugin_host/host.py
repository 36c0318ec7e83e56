"""A plugin host: the registered plugin types served to one or more gateways."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Callable, List, Mapping, Optional, Sequence, Tuple

from metagov.plugin_host.backoff import Backoff
from metagov.plugin_host.connection import DEFAULT_CHANNEL_OPTIONS, GatewayConnection
from metagov.plugin_host.registration import register_message

logger = logging.getLogger(__name__)


class PluginHost:
    """Serves ``plugin_types`` (name → class registered with ``Registry.plugin``) to every gateway in
    ``servers`` ("HOST:PORT"), each on its own stream with up to ``max_in_flight`` invocations at once."""

    def __init__(self, servers: Sequence[str], token: str, plugin_types: Mapping[str, type], max_in_flight: int = 8,
                 host_name: Optional[str] = None, backoff: Callable[[], Backoff] = Backoff,
                 channel_options: Sequence[Tuple[str, int]] = DEFAULT_CHANNEL_OPTIONS):
        """``token``: a plugin-host token (sent as ``authorization: Bearer``). ``host_name`` names the host in
        the gateways' logs (default "hostname:pid"). ``backoff`` makes each connection's reconnection delays;
        ``channel_options`` are grpcio channel options."""
        if not servers:
            raise ValueError("a plugin host needs at least one server")
        if not plugin_types:
            raise ValueError("a plugin host needs at least one plugin type")
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        register = register_message(plugin_types, max_in_flight, host_name or f"{socket.gethostname()}:{os.getpid()}")
        self.connections: List[GatewayConnection] = [
            GatewayConnection(target, token, register, plugin_types, backoff(), channel_options, self._finished)
            for target in servers]
        self.finished = threading.Event()
        """Set once every connection stopped: drained, or refused by its gateway."""
        self._lock = threading.Lock()
        self._running = len(self.connections)

    def start(self) -> "PluginHost":
        """Connects to every server (in the background); returns self."""
        for connection in self.connections:
            connection.start()
        return self

    def refused(self) -> List[str]:
        """Why gateways refused this host, as "SERVER: CODE: message" (empty when none did)."""
        return [f"{c.target}: {c.fatal_error}" for c in self.connections if c.fatal_error]

    def stop(self, timeout: float = 30.0) -> bool:
        """Drains every connection: the gateways send no new invocations and end the streams once the running
        ones are answered. Waits up to ``timeout`` seconds for that, then cancels what is left. Returns whether
        everything ended within the timeout (False: some invocations were cut off or are still running)."""
        for connection in self.connections:
            connection.drain()
        deadline = time.monotonic() + timeout
        drained = all(connection.join(max(0.0, deadline - time.monotonic())) for connection in self.connections)
        if not drained:
            logger.warning("invocations still running %.0f s after draining started; cancelling", timeout)
            for connection in self.connections:
                connection.cancel()
        return drained

    def _finished(self, connection: GatewayConnection) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0:
                self.finished.set()
