"""Helpers shared by the interop tests."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import grpc
import pytest

from metagov_client import MetagovClient, MetagovError

ROOT = Path(__file__).resolve().parents[3]


def metagovd_binary() -> str:
    """$METAGOVD, else the debug build; a missing binary fails the tests (it is never a reason to skip)."""
    path = Path(os.environ.get("METAGOVD") or ROOT / ".build" / "debug" / "metagovd")
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"metagovd not found at {path}: build it (swift build) or set METAGOVD", pytrace=False)
    return str(path)


def fails(call: Callable[[], object], code: grpc.StatusCode, *fragments: str) -> MetagovError:
    """Asserts that `call` raises MetagovError with `code` and a message containing every fragment."""
    with pytest.raises(MetagovError) as raised:
        call()
    error = raised.value
    assert error.code == code, f"expected {code.name}, got {error.code.name}: {error.details}"
    for fragment in fragments:
        assert fragment in error.details, f"{fragment!r} not in {error.details!r}"
    return error


def start_poll(client: MetagovClient, community: str = "c", **parameters: Any) -> Dict[str, Any]:
    """Creates `community` (if needed), enables `poll` and starts a vote on options a and b."""
    try:
        client.create_community(community.upper(), slug=community)
    except MetagovError as error:
        assert error.code == grpc.StatusCode.ALREADY_EXISTS
    client.enable_plugin(community, "poll")
    return client.start_process(community, "poll", "vote", {"title": "Lunch?", "options": ["a", "b"], **parameters})


def vote(client: MetagovClient, process_id: int, voter: str, option: str = "a", community: str = "c") -> Dict[str, Any]:
    """Casts a vote (emits one vote_cast event)."""
    return client.perform_action(community, "poll", "cast-vote",
                                 {"process_id": process_id, "voter": voter, "option": option})


def take(stream: Iterator[Dict[str, Any]], count: int, timeout: float = 15.0) -> List[Dict[str, Any]]:
    """The next `count` items of a stream, read in a thread so a missing item fails instead of hanging."""
    items: List[Dict[str, Any]] = []
    errors: List[BaseException] = []

    def read() -> None:
        try:
            for _ in range(count):
                items.append(next(stream))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if errors:
        raise errors[0]
    assert not reader.is_alive(), f"only {len(items)} of {count} stream items within {timeout}s: {items}"
    return items


def eventually(check: Callable[[], Optional[Any]], timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Polls `check` until it returns a truthy value (which is returned) or fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"condition not met within {timeout}s"
        time.sleep(interval)
