"""Starts the real `metagovd serve` for the interop tests."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterator, List, Optional

import pytest

from metagov_client import MetagovClient

ROOT = Path(__file__).resolve().parents[3]


def metagovd_binary() -> str:
    explicit = os.environ.get("METAGOVD")
    if explicit:
        return explicit
    built = ROOT / ".build" / "debug" / "metagovd"
    if not built.exists():
        pytest.fail(f"metagovd not built at {built}: run `swift build` first or set METAGOVD")
    return str(built)


class Server:
    """One `metagovd serve` process on a free loopback port."""

    def __init__(self, directory: Path, auth: bool = False, config: Optional[dict] = None):
        self.directory = directory
        self.database = str(directory / "metagov.sqlite")
        self.auth = auth
        self.config = config or {}
        self.process: Optional[subprocess.Popen] = None
        self.port = 0

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def admin_token(self) -> str:
        return Path(self.database + ".admin-token").read_text().strip()

    def admin(self, *arguments: str) -> str:
        return subprocess.run([metagovd_binary(), "--database", self.database, *arguments],
                              check=True, capture_output=True, text=True).stdout

    def start(self) -> "Server":
        arguments = [metagovd_binary(), "serve", "--port", "0", "--database", self.database,
                     "--scheduler-interval", "0.2"]
        if not self.auth:
            arguments.append("--no-auth")
        if self.config:
            path = self.directory / "metagov.conf"
            path.write_text("".join(f"{k} = {v}\n" for k, v in self.config.items()))
            arguments += ["--config-file", str(path)]
        self.process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line: List[str] = []
        reader = threading.Thread(target=lambda: line.append(self.process.stdout.readline()))
        reader.start()
        reader.join(timeout=30)
        if not line or "serving on" not in line[0]:
            self.process.kill()
            pytest.fail(f"metagovd did not start: {line}")
        self.port = int(line[0].strip().rsplit(":", 1)[1])
        return self

    def stop(self) -> int:
        if self.process is None:
            return -1
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.process = None
        return code

    def client(self, token: Optional[str] = None, timeout: float = 20.0) -> MetagovClient:
        return MetagovClient(self.target, token=token if token is not None else "", timeout=timeout)


@pytest.fixture
def make_server() -> Iterator[Callable[..., Server]]:
    servers: List[Server] = []
    directories: List[tempfile.TemporaryDirectory] = []

    def make(auth: bool = False, config: Optional[dict] = None) -> Server:
        directory = tempfile.TemporaryDirectory(prefix="metagov-pytest-")
        directories.append(directory)
        server = Server(Path(directory.name), auth=auth, config=config).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        if server.process is not None:
            assert server.stop() == 0
    for directory in directories:
        directory.cleanup()


@pytest.fixture
def server(make_server) -> Server:
    return make_server()


@pytest.fixture
def client(server) -> Iterator[MetagovClient]:
    with server.client() as c:
        yield c
