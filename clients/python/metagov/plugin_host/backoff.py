"""Delays between reconnection attempts."""

from __future__ import annotations

import random


class Backoff:
    """Exponential backoff with full jitter: the n-th delay is uniform in [0, min(maximum, initial × 2^n)],
    but never below ``initial / 2`` so that a flapping gateway is not hammered."""

    def __init__(self, initial: float = 0.5, maximum: float = 30.0):
        self.initial = initial
        self.maximum = maximum
        self._attempt = 0

    def next_delay(self) -> float:
        """The delay before the next attempt (seconds); each call doubles the ceiling up to ``maximum``."""
        ceiling = min(self.maximum, self.initial * 2 ** self._attempt)
        self._attempt += 1
        return max(self.initial / 2, random.uniform(0, ceiling))

    def reset(self) -> None:
        """Starts over after a successful connection."""
        self._attempt = 0
