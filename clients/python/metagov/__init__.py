"""metagov-swift in Python: the generated protobuf and gRPC stubs (``metagov.v1``) and the plugin SDK, which
speaks Metagov's plugin API (``metagov.core``) and runs plugins out of process (``metagov.plugin_host``)."""
