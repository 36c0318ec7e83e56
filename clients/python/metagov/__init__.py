"""Generated protobuf and gRPC stubs of metagov-swift (package metagov.v1)."""
