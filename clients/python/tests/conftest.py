"""Starts the real `metagovd serve` for the interop tests.

The binary is $METAGOVD, else .build/debug/metagovd of the repository. Each server runs on a free loopback
port (`--port 0`; the port is read from the line `metagovd serving on 127.0.0.1:PORT`) with its own
temporary database, secure by default: clients use the admin token the server writes beside the database.
Every server is stopped with SIGTERM and must exit with status 0.
"""

from __future__ import annotations

import sys

# The generated stubs live in the source tree too: never leave __pycache__ there (generate-proto --check
# compares that directory with what proto/ generates).
sys.dont_write_bytecode = True

import os  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable, Dict, Iterator, List, Optional, Sequence  # noqa: E402

import pytest  # noqa: E402

from metagov_client import MetagovClient  # noqa: E402
from helpers import metagovd_binary  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
STARTUP_TIMEOUT = 30.0
SHUTDOWN_TIMEOUT = 30.0
SERVING = re.compile(r"^metagovd serving on (\S+):(\d+)$")


class Server:
    """One `metagovd serve` process on a free loopback port, on a database in `directory`."""

    def __init__(self, directory: Path, auth: bool = True, config: Optional[Dict[str, object]] = None,
                 arguments: Sequence[str] = ()):
        self.directory = directory
        self.database = str(directory / "metagov.sqlite")
        self.auth = auth
        self.config = config or {}
        self.arguments = list(arguments)
        self.process: Optional[subprocess.Popen] = None
        self.port = 0
        self.starts = 0
        self.log_path = directory / "metagovd.log"
        self.stdout_lines: List[str] = []

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def admin_token(self) -> str:
        """The first admin token, which `serve` writes beside a new database."""
        return Path(self.database + ".admin-token").read_text().strip()

    def log(self) -> str:
        """The server's standard error so far (all starts)."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def admin(self, *arguments: str) -> str:
        """Runs an admin command (`metagovd ARGUMENTS --database DB`) and returns its standard output."""
        done = subprocess.run([metagovd_binary(), *arguments, "--database", self.database],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"metagovd {' '.join(arguments)} failed: {done.stderr}"
        return done.stdout

    def start(self) -> "Server":
        command = [metagovd_binary(), "serve", "--host", "127.0.0.1", "--port", "0", "--database", self.database,
                   "--scheduler-interval", "0.2", *self.arguments]
        if not self.auth:
            command.append("--no-auth")
        if self.config:
            path = self.directory / "metagov.conf"
            path.write_text("".join(f"{key} = {value}\n" for key, value in self.config.items()))
            command += ["--config-file", str(path)]
        self.starts += 1
        log = open(self.log_path, "a")
        log.write(f"--- start {self.starts}: {' '.join(command)}\n")
        log.flush()
        # The tests' webhook receivers listen on loopback, which deliveries refuse unless allowed.
        environment = {"METAGOV_DELIVERY_ALLOWED_DESTINATIONS": "127.0.0.0/8", **os.environ}
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True,
                                        stdin=subprocess.DEVNULL, env=environment)
        log.close()
        first: List[str] = []
        ready = threading.Event()
        process = self.process

        def read_stdout() -> None:
            # The first line announces the port; keep draining afterwards so the server never blocks on a
            # full pipe.
            for line in process.stdout:
                if not first:
                    first.append(line)
                    ready.set()
                else:
                    self.stdout_lines.append(line)
            ready.set()

        threading.Thread(target=read_stdout, daemon=True).start()
        if not ready.wait(STARTUP_TIMEOUT) or not first:
            process.kill()
            process.wait()
            pytest.fail(f"metagovd did not announce its port within {STARTUP_TIMEOUT}s:\n{self.log()}")
        match = SERVING.match(first[0].strip())
        if not match:
            process.kill()
            process.wait()
            pytest.fail(f"unexpected first line from metagovd: {first[0]!r}\n{self.log()}")
        assert match.group(1) == "127.0.0.1"
        self.port = int(match.group(2))
        assert self.port > 0
        return self

    def stop(self) -> int:
        """SIGTERM, then the exit status (the server must shut down within SHUTDOWN_TIMEOUT)."""
        process, self.process = self.process, None
        if process is None:
            return -1
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=SHUTDOWN_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"metagovd did not exit within {SHUTDOWN_TIMEOUT}s of SIGTERM:\n{self.log()}")
            raise

    def restart(self) -> "Server":
        """Stops (asserting exit status 0) and starts again on the same database (on a new port)."""
        code = self.stop()
        assert code == 0, f"metagovd exited with {code}:\n{self.log()}"
        return self.start()

    def client(self, token: Optional[str] = None, timeout: float = 30.0) -> MetagovClient:
        """A client; by default with the admin token (when auth is on). ``token=""`` sends none."""
        if token is None:
            token = self.admin_token() if self.auth else ""
        return MetagovClient(self.target, token=token, timeout=timeout)

    def metadata(self) -> tuple:
        """Call metadata with the admin token, for raw grpcio calls."""
        return (("authorization", f"Bearer {self.admin_token()}"),) if self.auth else ()


@pytest.fixture
def make_server() -> Iterator[Callable[..., Server]]:
    """Starts servers on demand; at the end each is stopped with SIGTERM and must exit 0."""
    servers: List[Server] = []
    directories: List[tempfile.TemporaryDirectory] = []

    def make(auth: bool = True, config: Optional[Dict[str, object]] = None, arguments: Sequence[str] = ()) -> Server:
        directory = tempfile.TemporaryDirectory(prefix="metagov-pytest-")
        directories.append(directory)
        server = Server(Path(directory.name), auth=auth, config=config, arguments=arguments)
        servers.append(server)
        return server.start()

    yield make
    failures = []
    for server in servers:
        if server.process is not None:
            code = server.stop()
            if code != 0:
                failures.append(f"metagovd exited with {code} after SIGTERM:\n{server.log()}")
    for directory in directories:
        directory.cleanup()
    assert not failures, "\n".join(failures)


@pytest.fixture
def metagovd() -> str:
    """The path of the metagovd binary under test."""
    return metagovd_binary()


@pytest.fixture
def server(make_server) -> Server:
    return make_server()


@pytest.fixture
def client(server) -> Iterator[MetagovClient]:
    with server.client() as c:
        yield c

