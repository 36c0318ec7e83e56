import NIOCore
import Synchronization

/// Settings and tuning knobs of one HTTP/2 connection.
public struct HTTP2ConnectionConfiguration: Sendable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS advertised to the peer. Streams beyond it are refused one by one
    /// (RST_STREAM REFUSED_STREAM); the connection goes on.
    public var maxConcurrentStreams: Int = 1000
    /// SETTINGS_INITIAL_WINDOW_SIZE advertised to the peer (per-stream receive window).
    public var initialStreamWindowSize: Int = 1 << 20
    /// Connection-level receive window (raised with WINDOW_UPDATE right after the preface).
    public var connectionWindowSize: Int = 16 << 20
    /// SETTINGS_MAX_HEADER_LIST_SIZE advertised to the peer, and enforced: a stream whose decoded header
    /// list is larger is reset (RST_STREAM ENHANCE_YOUR_CALM) and never reaches the delegate.
    public var maxHeaderListSize: Int = 16 * 1024
    /// SETTINGS_MAX_FRAME_SIZE advertised to the peer (the largest DATA frame we accept).
    public var maxFrameSize: Int = 16384
    /// When this many bytes of serialized output accumulate in one flush, they are written
    /// out before more frames are serialized.
    public var outputChunkSize: Int = 256 * 1024
    /// Connection management (server role): idle and age limits, keepalive, the peer's PING policy.
    public var management = HTTP2ConnectionManagement()

    public init() {}
}

/// How a server manages the lifetime of its HTTP/2 connections (the knobs of gRPC's keepalive and
/// connection-age settings). Every duration is optional: nil turns that limit off.
public struct HTTP2ConnectionManagement: Sendable {
    /// A connection without open streams for this long gets GOAWAY (gRPC's MAX_CONNECTION_IDLE).
    public var maxIdle: TimeAmount? = nil
    /// A connection older than this (±10% jitter) gets GOAWAY (gRPC's MAX_CONNECTION_AGE) ...
    public var maxAge: TimeAmount? = nil
    /// ... and is closed this long after that GOAWAY, whatever is still running (MAX_CONNECTION_AGE_GRACE;
    /// nil: calls may run until they end).
    public var maxAgeGrace: TimeAmount? = nil
    /// After this long without receiving anything, the server sends a PING (gRPC's KEEPALIVE_TIME) ...
    public var keepaliveTime: TimeAmount? = nil
    /// ... and closes the connection if its ACK does not arrive within this (KEEPALIVE_TIMEOUT).
    public var keepaliveTimeout: TimeAmount = .seconds(20)
    /// The peer's PINGs, as gRPC C-core polices them: nil accepts any rate.
    public var pingPolicy: HTTP2PingPolicy? = nil

    public init() {}
}

/// gRPC C-core's policy for PINGs a client sends (GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
/// GRPC_ARG_HTTP2_MAX_PING_STRIKES, GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS): a PING that arrives sooner than
/// `minInterval` after the previous one, with no HEADERS or DATA sent by the server in between, is a strike
/// (with no open stream and `permitWithoutCalls` false, sooner than two hours is); more than `maxStrikes`
/// strikes end the connection with GOAWAY ENHANCE_YOUR_CALM, debug data `too_many_pings`.
public struct HTTP2PingPolicy: Sendable {
    public var minInterval: TimeAmount = .minutes(5)
    public var maxStrikes: Int = 2
    public var permitWithoutCalls: Bool = false

    public init() {}
}
