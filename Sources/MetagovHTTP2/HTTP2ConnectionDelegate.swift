import NIOCore
import Synchronization

/// Receives the HTTP/2 events of one connection. All methods are called on the connection's
/// event loop, possibly from inside nghttp2 callbacks: implementations may call the
/// connection's `submit*`, `resetStream`, `consume` methods, but must not block.
public protocol HTTP2ConnectionDelegate: AnyObject {
    /// The connection became active (the preface and our SETTINGS are queued).
    func connectionActive(_ connection: HTTP2Connection)
    /// A complete header block arrived on a stream.
    func headersReceived(
        _ connection: HTTP2Connection, streamID: Int32, kind: HTTP2HeadersKind, headers: [HTTP2Header],
        endStream: Bool)
    /// A chunk of DATA payload arrived. The delegate must eventually call
    /// `connection.consume(streamID:bytes:)` with `data.readableBytes` (immediately or when the
    /// application has taken the data) so that the peer's flow-control window is replenished.
    func dataReceived(_ connection: HTTP2Connection, streamID: Int32, data: ByteBuffer)
    /// The peer ended its side of the stream with a DATA frame carrying END_STREAM.
    /// (END_STREAM on a HEADERS frame is reported through `headersReceived(endStream:)`.)
    func endOfStreamReceived(_ connection: HTTP2Connection, streamID: Int32)
    /// We sent the last frame (END_STREAM) of a stream.
    func endOfStreamSent(_ connection: HTTP2Connection, streamID: Int32)
    /// The stream is closed (normally with `.noError`, or reset by either side).
    func streamClosed(_ connection: HTTP2Connection, streamID: Int32, errorCode: HTTP2ErrorCode)
    /// The peer sent GOAWAY.
    func goAwayReceived(_ connection: HTTP2Connection, lastStreamID: Int32, errorCode: HTTP2ErrorCode)
    /// The connection is gone (socket closed, protocol error, or local close). Called once;
    /// streams still open at that point are not reported individually.
    func connectionClosed(_ connection: HTTP2Connection, error: (any Error)?)
    /// The peer acknowledged a PING sent with `HTTP2Connection.sendPing(payload:)`.
    func pingAcknowledged(_ connection: HTTP2Connection, payload: UInt64)
    /// A bound refused a stream before it reached `headersReceived` (it was reset).
    func streamRefused(_ connection: HTTP2Connection, streamID: Int32, reason: HTTP2StreamRefusal)
    /// This side sent GOAWAY (or is closing the connection), and why: `shutdown`, `idle`, `max age`,
    /// `too_many_pings`, `keepalive timeout`, `closed`, or the protocol error.
    func goAwaySent(_ connection: HTTP2Connection, reason: String)
}

/// Why a stream was refused.
public enum HTTP2StreamRefusal: Sendable, Hashable {
    /// Beyond the advertised MAX_CONCURRENT_STREAMS (RST_STREAM REFUSED_STREAM).
    case concurrentStreams
    /// Its header list was larger than the advertised limit (RST_STREAM ENHANCE_YOUR_CALM).
    case headerListSize
}

extension HTTP2ConnectionDelegate {
    public func pingAcknowledged(_ connection: HTTP2Connection, payload: UInt64) {}
    public func streamRefused(_ connection: HTTP2Connection, streamID: Int32, reason: HTTP2StreamRefusal) {}
    public func goAwaySent(_ connection: HTTP2Connection, reason: String) {}
}
