"""A fixed pool of threads running submitted calls, lighter than ``concurrent.futures`` (no futures: the calls
report their own results) — the plugin host submits one call per invocation."""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable, List, Optional, Tuple

logger = logging.getLogger(__name__)

_STOP = None


class WorkerPool:
    """``size`` threads named ``name`` running calls in submission order (each on the first free thread)."""

    def __init__(self, size: int, name: str):
        self._calls: "queue.SimpleQueue[Optional[Tuple[Callable[..., Any], tuple]]]" = queue.SimpleQueue()
        self._threads: List[threading.Thread] = [
            threading.Thread(target=self._work, name=f"{name}-{index}", daemon=True) for index in range(size)]
        for thread in self._threads:
            thread.start()

    def submit(self, function: Callable[..., Any], *arguments: Any) -> None:
        """Runs ``function(*arguments)`` on a pool thread; what it raises is logged."""
        self._calls.put((function, arguments))

    def shutdown(self) -> None:
        """Lets the submitted calls finish, then stops the threads and waits for them."""
        for _ in self._threads:
            self._calls.put(_STOP)
        for thread in self._threads:
            thread.join()

    def _work(self) -> None:
        while True:
            call = self._calls.get()
            if call is _STOP:
                return
            function, arguments = call
            try:
                function(*arguments)
            except Exception:  # noqa: BLE001 - a failing call must not kill the thread
                logger.exception("a plugin host worker call failed")
