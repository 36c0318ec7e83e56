"""``python -m metagov.plugin_host``: serve the plugins of a directory to one or more gateways until SIGTERM.

Exit status: 0 after a clean drain (SIGTERM or SIGINT: the gateways stop sending invocations and the running
ones finish), 1 when every gateway refused the host or the drain timed out, 2 when the plugins cannot load.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from typing import List, Optional

from metagov.plugin_host.host import PluginHost
from metagov.plugin_host.loader import PluginLoadError, load_plugins

logger = logging.getLogger("metagov.plugin_host")


def parse_arguments(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line (see ``--help``)."""
    parser = argparse.ArgumentParser(prog="python -m metagov.plugin_host",
                                     description="Serve Metagov plugins to metagov-swift gateways.")
    parser.add_argument("--server", action="append", dest="servers", metavar="HOST:PORT",
                        help="a gateway to serve (repeat for several; default $METAGOV_SERVER or 127.0.0.1:50051)")
    parser.add_argument("--token", default=os.environ.get("METAGOV_TOKEN", ""),
                        help="a token of scope plugin-host (default $METAGOV_TOKEN)")
    parser.add_argument("--plugins", action="append", required=True, metavar="DIR",
                        help="a directory of plugin packages, DIR/NAME/ imported as metagov.plugins.NAME (repeatable)")
    parser.add_argument("--max-in-flight", type=int, default=8, metavar="N",
                        help="invocations run at once per gateway (default 8)")
    parser.add_argument("--drain-timeout", type=float, default=30.0, metavar="SECONDS",
                        help="how long SIGTERM waits for running invocations (default 30)")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    arguments = parser.parse_args(argv)
    arguments.servers = arguments.servers or [os.environ.get("METAGOV_SERVER") or "127.0.0.1:50051"]
    if arguments.max_in_flight < 1:
        parser.error("--max-in-flight must be at least 1")
    return arguments


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the host; returns the exit status."""
    arguments = parse_arguments(argv)
    logging.basicConfig(level=arguments.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    plugin_types = {}
    try:
        for directory in arguments.plugins:
            plugin_types.update(load_plugins(directory))
    except PluginLoadError as error:
        logger.error("%s", error)
        return 2
    if not plugin_types:
        logger.error("no plugin types registered in %s", ", ".join(arguments.plugins))
        return 2
    host = PluginHost(arguments.servers, arguments.token, plugin_types, max_in_flight=arguments.max_in_flight)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    # A parent may have started this process with these signals blocked (a blocked mask is inherited): the
    # host would then never drain on SIGTERM.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    threading.Thread(target=lambda: (host.finished.wait(), stop.set()), daemon=True).start()
    host.start()
    logger.info("serving %s to %s", ", ".join(sorted(plugin_types)), ", ".join(arguments.servers))
    stop.wait()

    if host.finished.is_set():
        logger.error("every gateway refused this host: %s", "; ".join(host.refused()))
        return 1
    logger.info("draining")
    if not host.stop(arguments.drain_timeout):
        # Hooks still running block the interpreter's exit (it joins their threads): leave without them.
        logging.shutdown()
        os._exit(1)
    logger.info("drained")
    return 0


if __name__ == "__main__":
    sys.exit(main())
