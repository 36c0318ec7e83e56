import NIOCore
import Synchronization

/// Server settings.
public struct GRPCServerConfiguration: Sendable {
    /// Address to bind.
    public var host = "127.0.0.1"
    /// Port to bind; 0 picks any free port (returned by `GRPCServer.start()`).
    public var port = 50051
    /// Largest request message accepted (after decompression); larger → RESOURCE_EXHAUSTED.
    public var maxReceiveMessageSize = 4 * 1024 * 1024
    /// Largest response message sent; larger → RESOURCE_EXHAUSTED.
    public var maxSendMessageSize = 4 * 1024 * 1024
    /// SETTINGS_MAX_CONCURRENT_STREAMS per connection.
    public var maxConcurrentStreams = 1000
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
    /// Include the handler error's description in UNKNOWN statuses (off: only its type name).
    public var exposeErrorDescriptions = false

    public init() {}
}
