import NIOCore
import Synchronization

/// One HTTP/2 header field. Names are expected to be lowercase (HTTP/2 requires it).
public struct HTTP2Header: Sendable, Hashable {
    public var name: String
    public var value: String

    @inlinable
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// What a received header block is, from the point of view of the local endpoint.
public enum HTTP2HeadersKind: Sendable, Hashable {
    /// Request headers (server role): the first header block of a peer-initiated stream.
    case request
    /// Response headers (client role), including informational (1xx) responses.
    case response
    /// Any later header block on a stream: trailers (or a non-final response's follow-up).
    case trailers
}

/// Which side of the connection this endpoint is.
public enum HTTP2Role: Sendable, Hashable {
    case server
    case client
}

/// An HTTP/2 error code as carried in RST_STREAM and GOAWAY frames (RFC 9113 §7).
public struct HTTP2ErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    @inlinable public init(_ raw: UInt32) { self.rawValue = raw }

    public static let noError = HTTP2ErrorCode(0x0)
    public static let protocolError = HTTP2ErrorCode(0x1)
    public static let internalError = HTTP2ErrorCode(0x2)
    public static let flowControlError = HTTP2ErrorCode(0x3)
    public static let settingsTimeout = HTTP2ErrorCode(0x4)
    public static let streamClosed = HTTP2ErrorCode(0x5)
    public static let frameSizeError = HTTP2ErrorCode(0x6)
    public static let refusedStream = HTTP2ErrorCode(0x7)
    public static let cancel = HTTP2ErrorCode(0x8)
    public static let compressionError = HTTP2ErrorCode(0x9)
    public static let connectError = HTTP2ErrorCode(0xa)
    public static let enhanceYourCalm = HTTP2ErrorCode(0xb)
    public static let inadequateSecurity = HTTP2ErrorCode(0xc)
    public static let http11Required = HTTP2ErrorCode(0xd)

    public var description: String {
        switch self.rawValue {
        case 0x0: return "NO_ERROR"
        case 0x1: return "PROTOCOL_ERROR"
        case 0x2: return "INTERNAL_ERROR"
        case 0x3: return "FLOW_CONTROL_ERROR"
        case 0x4: return "SETTINGS_TIMEOUT"
        case 0x5: return "STREAM_CLOSED"
        case 0x6: return "FRAME_SIZE_ERROR"
        case 0x7: return "REFUSED_STREAM"
        case 0x8: return "CANCEL"
        case 0x9: return "COMPRESSION_ERROR"
        case 0xa: return "CONNECT_ERROR"
        case 0xb: return "ENHANCE_YOUR_CALM"
        case 0xc: return "INADEQUATE_SECURITY"
        case 0xd: return "HTTP_1_1_REQUIRED"
        default: return "0x\(String(self.rawValue, radix: 16))"
        }
    }
}

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

/// Settings and tuning knobs of one HTTP/2 connection.
public struct HTTP2ConnectionConfiguration: Sendable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS advertised to the peer.
    public var maxConcurrentStreams: Int = 1000
    /// SETTINGS_INITIAL_WINDOW_SIZE advertised to the peer (per-stream receive window).
    public var initialStreamWindowSize: Int = 1 << 20
    /// Connection-level receive window (raised with WINDOW_UPDATE right after the preface).
    public var connectionWindowSize: Int = 16 << 20
    /// SETTINGS_MAX_HEADER_LIST_SIZE advertised to the peer.
    public var maxHeaderListSize: Int = 16 * 1024
    /// SETTINGS_MAX_FRAME_SIZE advertised to the peer (the largest DATA frame we accept).
    public var maxFrameSize: Int = 16384
    /// When this many bytes of serialized output accumulate in one flush, they are written
    /// out before more frames are serialized.
    public var outputChunkSize: Int = 256 * 1024

    public init() {}
}

/// Counts bytes queued in `HTTP2OutboundStream`s that have not yet been handed to nghttp2
/// (i.e. application data buffered because of flow control or a slow socket).
/// Shared by all streams of a server; safe to read from any thread.
public final class HTTP2BufferAccounting: Sendable {
    private let current = Atomic<Int>(0)
    private let peak = Atomic<Int>(0)

    public init() {}

    /// Bytes currently buffered.
    public var bufferedBytes: Int { self.current.load(ordering: .relaxed) }
    /// The largest value `bufferedBytes` has reached.
    public var peakBufferedBytes: Int { self.peak.load(ordering: .relaxed) }

    /// Resets the peak to the current value.
    public func resetPeak() {
        self.peak.store(self.current.load(ordering: .relaxed), ordering: .relaxed)
    }

    @usableFromInline
    func add(_ n: Int) {
        let now = self.current.wrappingAdd(n, ordering: .relaxed).newValue
        var seen = self.peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = self.peak.compareExchange(
                expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    @usableFromInline
    func remove(_ n: Int) {
        self.current.wrappingSubtract(n, ordering: .relaxed)
    }
}

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
}

extension HTTP2ConnectionDelegate {
    public func pingAcknowledged(_ connection: HTTP2Connection, payload: UInt64) {}
}
