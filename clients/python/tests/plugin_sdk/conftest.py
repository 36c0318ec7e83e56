"""Fixtures of the plugin SDK tests (no metagovd needed): the test plugins, a forum stand-in, a fake gateway,
and plugin hosts serving the test plugins to it."""

from __future__ import annotations

from typing import Callable, Dict, Iterator

import pytest

from fake_gateway import FakeGateway
from forum_standin import ForumStandIn
from metagov.plugin_host import PluginHost, load_plugins
from metagov.plugin_host.backoff import Backoff
from sdk_helpers import PLUGINS, TOKEN


@pytest.fixture(scope="session")
def plugin_types() -> Dict[str, type]:
    """The test plugins, loaded as the host loads them."""
    return load_plugins(str(PLUGINS))


@pytest.fixture
def forum() -> Iterator[ForumStandIn]:
    stand_in = ForumStandIn()
    yield stand_in
    stand_in.close()


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway(token=TOKEN)
    yield fake
    fake.stop()


@pytest.fixture
def start_host(plugin_types) -> Iterator[Callable[..., PluginHost]]:
    """Starts plugin hosts on demand (fast reconnection); each is drained at the end and must drain cleanly."""
    hosts = []

    def start(*servers: str, token: str = TOKEN, max_in_flight: int = 4) -> PluginHost:
        host = PluginHost(list(servers), token, plugin_types, max_in_flight=max_in_flight, host_name="test-host",
                          backoff=lambda: Backoff(initial=0.05, maximum=0.2))
        hosts.append(host)
        return host.start()

    yield start
    for host in hosts:
        assert host.stop(timeout=15.0), "the plugin host did not drain"
