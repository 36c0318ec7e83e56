"""Metagov's plugin API (``metagov.core.plugin_manager``, ``metagov.core.models``, ``metagov.core.errors``), so
that plugins written for Metagov run unchanged in a plugin host of metagov-swift (``metagov.plugin_host``).

The gateway owns all state: a hook reads the snapshot the gateway sent with its invocation, and what it writes
(state, process fields it saves, events, linked accounts) is collected and sent back as the hook's effects,
applied by the gateway as one unit of work."""
