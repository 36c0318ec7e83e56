import NIOCore
import Synchronization

/// How a method is served. The byte arrays are serialized messages (the transport knows
/// nothing about their encoding).
public enum MethodHandler: Sendable {
    /// One request, one response; runs as a Swift concurrency task (never on the event loop).
    case unary(@Sendable ([UInt8], ServerCallContext) async throws -> [UInt8])
    /// Runs directly on the connection's event loop: must not block. For cheap handlers (health,
    /// cached reads) to save a thread hop. (If the server has interceptors, they are async, so
    /// the call then runs as a task like `.unary`.)
    case unaryOnLoop(@Sendable ([UInt8], ServerCallContext) throws -> [UInt8])
    /// One request, a stream of responses written through the `ResponseWriter`.
    case serverStreaming(@Sendable ([UInt8], ResponseWriter, ServerCallContext) async throws -> Void)
    /// A stream of requests, one response.
    case clientStreaming(@Sendable (RequestStream, ServerCallContext) async throws -> [UInt8])
    /// Streams both ways.
    case bidirectional(@Sendable (RequestStream, ResponseWriter, ServerCallContext) async throws -> Void)

    var isUnaryRequest: Bool {
        switch self {
        case .unary, .unaryOnLoop, .serverStreaming: return true
        case .clientStreaming, .bidirectional: return false
        }
    }
}

/// Routing table from `:path` (e.g. `/metagov.v1.Actions/PerformAction`) to handlers.
public struct MethodTable: Sendable {
    var handlers: [String: MethodHandler] = [:]

    public init() {}

    /// Registers (or replaces) the handler for `path`, which must look like `/package.Service/Method`.
    public mutating func register(_ path: String, _ handler: MethodHandler) {
        let normalized = path.hasPrefix("/") ? path : "/" + path
        self.handlers[normalized] = handler
    }

    /// The registered paths, sorted.
    public var paths: [String] { self.handlers.keys.sorted() }

    /// The handler registered for `path`.
    public func handler(for path: String) -> MethodHandler? {
        self.handlers[path]
    }
}

/// Wraps every call (like an ASP.NET middleware): may inspect metadata, reject the call by
/// throwing a `GRPCStatus`, or time it. Interceptors run in registration order, in the call's
/// task, before the handler.
public protocol ServerInterceptor: Sendable {
    func intercept(path: String, context: ServerCallContext) async throws
}

/// What a handler knows about its call.
public struct ServerCallContext: Sendable {
    /// The method path, e.g. `/metagov.v1.Actions/PerformAction`.
    public let path: String
    /// The request's custom metadata (reserved headers excluded; `-bin` values decoded).
    public let metadata: GRPCMetadata
    /// When the call times out (from the client's `grpc-timeout`), if it has a deadline.
    public let deadline: ContinuousClock.Instant?
    /// The client's address, e.g. `ipv4:127.0.0.1:53412`.
    public let peer: String

    let call: ServerCall?

    init(path: String, metadata: GRPCMetadata, deadline: ContinuousClock.Instant?, peer: String, call: ServerCall?) {
        self.path = path
        self.metadata = metadata
        self.deadline = deadline
        self.peer = peer
        self.call = call
    }

    /// Sets the metadata sent with the response headers. Only effective before the first
    /// response message is written (or the call completes).
    public func setResponseMetadata(_ m: GRPCMetadata) {
        self.call?.setResponseMetadata(m)
    }

    /// Sets the metadata sent in the trailers, together with the status.
    public func setTrailingMetadata(_ m: GRPCMetadata) {
        self.call?.setTrailingMetadata(m)
    }

    /// Whether the call has already ended (cancelled by the client, deadline, or completed).
    public var isCallEnded: Bool {
        self.call?.isEnded ?? false
    }
}

/// Sends messages on a stream: responses on the server, requests on the client.
///
/// `write` suspends while the stream's outbound queue is above its bound (the peer's HTTP/2
/// flow-control window is exhausted or the socket is slow), so a slow reader never makes the
/// writer buffer without bound. It throws `GRPCStatus(.cancelled)` once the peer cancelled the
/// call, or the call's final status if it already ended.
public struct ResponseWriter: Sendable {
    let sink: any GRPCMessageSink

    init(sink: any GRPCMessageSink) {
        self.sink = sink
    }

    /// Sends one message.
    public func write(_ message: [UInt8]) async throws {
        try await self.sink.writeMessage(message)
    }
}

protocol GRPCMessageSink: AnyObject, Sendable {
    func writeMessage(_ message: [UInt8]) async throws
}

/// The request messages of a client-streaming or bidirectional call.
///
/// Iteration ends when the client half-closes; it throws `GRPCStatus(.cancelled)` if the
/// client cancels, or another status on a protocol error. Messages are buffered up to a bound,
/// beyond which the HTTP/2 flow-control window is not replenished (back-pressure to the client).
public struct RequestStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = any Error

    let queue: InboundMessageQueue

    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = [UInt8]
        public typealias Failure = any Error

        let queue: InboundMessageQueue

        public mutating func next() async throws -> [UInt8]? {
            try await self.queue.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(queue: self.queue)
    }
}

/// Optional gzip compression of responses.
public struct GRPCResponseCompression: Sendable, Hashable {
    var enabled: Bool
    var minimumBytes: Int

    /// Never compress responses (the default).
    public static let disabled = GRPCResponseCompression(enabled: false, minimumBytes: 0)

    /// Compress responses of at least `minimumBytes` when the client advertises gzip in
    /// `grpc-accept-encoding`.
    public static func gzip(minimumBytes: Int = 1024) -> GRPCResponseCompression {
        GRPCResponseCompression(enabled: true, minimumBytes: max(0, minimumBytes))
    }
}

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

/// Options of one client call.
public struct GRPCCallOptions: Sendable {
    /// Custom metadata sent with the request headers.
    public var metadata = GRPCMetadata()
    /// Deadline relative to the start of the call; sent as `grpc-timeout` and enforced locally.
    public var timeout: Duration? = nil
    /// gzip-compress request messages (`grpc-encoding: gzip`).
    public var compression: Bool = false

    public init() {}
}

/// Client settings.
public struct GRPCClientConfiguration: Sendable {
    /// Largest response message accepted; larger → RESOURCE_EXHAUSTED.
    public var maxReceiveMessageSize = 4 * 1024 * 1024
    /// Largest request message sent; larger → RESOURCE_EXHAUSTED.
    public var maxSendMessageSize = 4 * 1024 * 1024
    /// Per-stream HTTP/2 receive window.
    public var initialStreamWindowSize = 1 << 20
    /// Connection-level HTTP/2 receive window.
    public var connectionWindowSize = 16 << 20
    /// Buffered response messages per streaming call before flow-control credit is withheld.
    public var responseBufferLimit = 256 * 1024
    /// The `user-agent` header.
    public var userAgent = "metagov-grpc-swift/1.0"

    public init() {}
}
