"""Python client for the metagov-swift governance gateway.

Dicts in, dicts out: free-form JSON (config, parameters, results, outcomes, event data) is passed as plain
Python values; failures raise :class:`MetagovError` carrying the gRPC status code.
"""

from .client import EventStream, MetagovClient, MetagovError

__all__ = ["EventStream", "MetagovClient", "MetagovError"]
