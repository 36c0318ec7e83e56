import NIOCore
import Synchronization

/// Errors surfaced by the HTTP/2 layer.
public enum HTTP2Error: Error, Sendable, Hashable {
    /// The stream was closed (reset by the peer or locally, or the connection went away).
    case streamClosed(HTTP2ErrorCode)
    /// The connection is closed or closing; no new streams can be opened.
    case connectionClosed
    /// nghttp2 refused an operation (the associated value is nghttp2's error string).
    case sessionError(String)
    /// Data was written after the stream's outbound side had been finished.
    case alreadyFinished
}
