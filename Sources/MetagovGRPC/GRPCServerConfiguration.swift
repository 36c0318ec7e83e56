import NIOCore
import Synchronization

/// Server settings.
public struct GRPCServerConfiguration: Sendable {
    /// Address to bind.
    public var host = "127.0.0.1"
    /// TLS (and mTLS) on the port; nil: cleartext (h2c with prior knowledge, and HTTP/1.1).
    public var tls: GRPCTLSConfiguration? = nil
    /// Port to bind; 0 picks any free port (returned by `GRPCServer.start()`).
    public var port = 50051
    /// Largest request message accepted (after decompression); larger → RESOURCE_EXHAUSTED. At most
    /// `GRPCServerConfiguration.messageSizeCeiling` (a gRPC length prefix has 32 bits).
    public var maxReceiveMessageSize = 4 * 1024 * 1024
    /// Largest response message sent; larger → RESOURCE_EXHAUSTED. At most `messageSizeCeiling`.
    public var maxSendMessageSize = 4 * 1024 * 1024
    /// SETTINGS_MAX_CONCURRENT_STREAMS per connection; a client opening more gets REFUSED_STREAM for them.
    public var maxConcurrentStreams = 100
    /// Largest decoded request header list (SETTINGS_MAX_HEADER_LIST_SIZE, enforced: RST_STREAM
    /// ENHANCE_YOUR_CALM, which gRPC clients report as RESOURCE_EXHAUSTED).
    public var maxHeaderListSize = 16 * 1024
    /// Connections served at once; a connection beyond it is closed as soon as it is accepted (nil: no limit).
    public var maxConnections: Int? = nil
    /// A new connection must complete its handshake within this: the HTTP/2 preface and SETTINGS, or a whole
    /// first HTTP/1.1 request. Otherwise it is closed.
    public var handshakeTimeout: Duration = .seconds(10)
    /// A connection with no call in progress for this long gets GOAWAY (HTTP/1.1: is closed). nil: never.
    public var maxConnectionIdle: Duration? = .seconds(300)
    /// A connection older than this (±10%) gets GOAWAY; nil: no age limit.
    public var maxConnectionAge: Duration? = nil
    /// After the age GOAWAY, calls still running get this long before the connection is closed; nil: no limit.
    public var maxConnectionAgeGrace: Duration? = nil
    /// After this long without receiving anything, the server PINGs the client; nil: no keepalive.
    public var keepaliveTime: Duration? = .seconds(7200)
    /// A keepalive PING not acknowledged within this closes the connection.
    public var keepaliveTimeout: Duration = .seconds(20)
    /// Clients may PING at most this often while calls run (gRPC C-core's MIN_RECV_PING_INTERVAL_WITHOUT_DATA;
    /// without calls, every two hours); more than `maxPingStrikes` early PINGs end the connection with GOAWAY
    /// ENHANCE_YOUR_CALM `too_many_pings`. nil: any rate.
    public var minClientPingInterval: Duration? = .seconds(300)
    /// Early PINGs tolerated (see `minClientPingInterval`).
    public var maxPingStrikes = 2
    /// Request bytes one connection may hold at once (partly received messages, and received ones not yet
    /// taken by their handlers); a message that would go beyond it fails its call with RESOURCE_EXHAUSTED.
    /// Raised to twice `maxReceiveMessageSize` when that is larger.
    public var connectionRequestBufferLimit = 16 * 1024 * 1024
    /// How long `shutdown()` lets in-flight calls run before closing connections.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Number of event loop threads (default: the processors this process may run on).
    public var eventLoopThreads = AvailableProcessors.count
    /// Response compression policy (default: off).
    public var responseCompression: GRPCResponseCompression = .disabled
    /// Per-stream HTTP/2 receive window advertised to clients.
    public var initialStreamWindowSize = 1 << 20
    /// Connection-level HTTP/2 receive window.
    public var connectionWindowSize = 16 << 20
    /// Per-call bound on response bytes queued before `ResponseWriter.write` suspends.
    public var responseBufferHighWatermark = 64 * 1024
    /// Per-call bound on buffered request messages before flow-control credit is withheld.
    public var requestBufferLimit = 256 * 1024
    /// Where handler tasks run (default: a shared, batching worker pool).
    public var handlerExecution: GRPCHandlerExecution = .sharedThreadPool
    /// Told about every call, connection and refusal (metrics, logs); nil: nobody.
    public var observer: (any GRPCServerObserver)? = nil
    /// Include the handler error's description in UNKNOWN statuses (off: only its type name).
    public var exposeErrorDescriptions = false

    public init() {}

    /// The largest message size a gRPC length prefix can carry (2^32 − 1 bytes, just under 4 GiB).
    public static let messageSizeCeiling = Int(UInt32.max)
}
