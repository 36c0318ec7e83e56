import NIOCore
import Synchronization

/// What a received header block is, from the point of view of the local endpoint.
public enum HTTP2HeadersKind: Sendable, Hashable {
    /// Request headers (server role): the first header block of a peer-initiated stream.
    case request
    /// Response headers (client role), including informational (1xx) responses.
    case response
    /// Any later header block on a stream: trailers (or a non-final response's follow-up).
    case trailers
}
