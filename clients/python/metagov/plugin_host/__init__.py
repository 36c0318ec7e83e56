"""Runs Metagov plugins out of process: a plugin host is a gRPC client of the gateway that registers the plugin
types found in a directory and answers the gateway's invocations of their hooks (the ``metagov.v1.PluginHost``
protocol, see ``proto/metagov/v1/plugin_host.proto``).

    python -m metagov.plugin_host --server HOST:PORT --token T --plugins DIR [--server ...] [--max-in-flight N]

From Python: ``PluginHost(servers, token, load_plugins(directory)).start()``, then ``stop()`` to drain.
"""

from metagov.plugin_host.host import PluginHost
from metagov.plugin_host.loader import PluginLoadError, load_plugins

__all__ = ["PluginHost", "PluginLoadError", "load_plugins"]
