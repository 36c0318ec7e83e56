"""Python client for the metagov-swift governance gateway.

Dicts in, dicts out: free-form JSON (config, parameters, results, outcomes, event data) is passed as plain
Python values; failures raise :class:`MetagovError` carrying the gRPC status code; server streams are
cancellable iterators (:class:`Stream`).
"""

from .client import EventStream, MetagovClient, MetagovError, Stream
from .convert import to_python, to_struct, to_value

__version__ = "0.4.0"

__all__ = ["EventStream", "MetagovClient", "MetagovError", "Stream", "to_python", "to_struct", "to_value",
           "__version__"]
