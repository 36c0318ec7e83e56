import MetagovHTTP2
import NIOCore
import NIOPosix
import Synchronization

/// A gRPC client over one HTTP/2 connection (h2c, nghttp2 in client role) that multiplexes
/// any number of concurrent calls.
///
/// Non-OK statuses are thrown as `GRPCStatus`; losing the connection fails in-flight and later
/// calls with `UNAVAILABLE` (the client does not reconnect: create a new one).
public final class GRPCClient: Sendable {
    private let channel: any Channel
    private let connection: GRPCClientConnection
    private let configuration: GRPCClientConfiguration
    private let allocator = ByteBufferAllocator()

    private init(channel: any Channel, connection: GRPCClientConnection, configuration: GRPCClientConfiguration) {
        self.channel = channel
        self.connection = connection
        self.configuration = configuration
    }

    /// Connects to `host:port` with default settings.
    public static func connect(host: String, port: Int) async throws -> GRPCClient {
        try await self.connect(host: host, port: port, configuration: GRPCClientConfiguration())
    }

    /// Connects to `host:port`. Throws `GRPCStatus(.unavailable)` if the connection fails.
    public static func connect(host: String, port: Int, configuration: GRPCClientConfiguration) async throws
        -> GRPCClient
    {
        let authority = "\(host):\(port)"
        let clientConnection = GRPCClientConnection(configuration: configuration, authority: authority)
        var http2Configuration = HTTP2ConnectionConfiguration()
        http2Configuration.initialStreamWindowSize = configuration.initialStreamWindowSize
        http2Configuration.connectionWindowSize = configuration.connectionWindowSize
        let settings = http2Configuration
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let http2 = HTTP2Connection(role: .client, configuration: settings)
                    http2.delegate = clientConnection
                    try channel.pipeline.syncOperations.addHandler(http2)
                    clientConnection.setHandle(http2.handle)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            throw GRPCStatus(.unavailable, "could not connect to \(authority): \(error)")
        }
        return GRPCClient(channel: channel, connection: clientConnection, configuration: configuration)
    }

    /// Whether the underlying connection is still usable.
    public var isConnected: Bool {
        guard let handle = self.connection.handle else { return false }
        return !handle.isClosed
    }

    private func requestHeaders(_ path: String, _ options: GRPCCallOptions) -> [HTTP2Header] {
        var headers: [HTTP2Header] = [
            HTTP2Header(":method", "POST"), HTTP2Header(":scheme", "http"), HTTP2Header(":path", path),
            HTTP2Header(":authority", self.connection.authority), HTTP2Header("content-type", "application/grpc"),
            HTTP2Header("te", "trailers"), HTTP2Header("user-agent", self.configuration.userAgent),
            HTTP2Header("grpc-accept-encoding", "gzip,identity"),
        ]
        if options.compression {
            headers.append(HTTP2Header("grpc-encoding", "gzip"))
        }
        if let timeout = options.timeout {
            headers.append(HTTP2Header("grpc-timeout", GRPCTimeout.encode(timeout)))
        }
        options.metadata.appendHeaders(to: &headers)
        return headers
    }

    private func makeCall(_ path: String, _ options: GRPCCallOptions, streamingResponse: Bool) -> ClientCall {
        ClientCall(
            path: path, options: options, configuration: self.configuration, streamingResponse: streamingResponse,
            connection: self.connection, allocator: self.allocator)
    }

    /// A unary call. Returns the response and the response metadata (initial metadata followed
    /// by trailing metadata). Throws `GRPCStatus` for non-OK statuses.
    public func unary(_ path: String, _ request: [UInt8], options: GRPCCallOptions = .init()) async throws -> (
        response: [UInt8], metadata: GRPCMetadata
    ) {
        let framed = try GRPCFraming.encode(
            request, compress: options.compression, maxSize: self.configuration.maxSendMessageSize,
            allocator: self.allocator)
        let call = self.makeCall(path, options, streamingResponse: false)
        call.outbound.enqueue(data: framed, end: .endStream)
        self.connection.start(call, headers: self.requestHeaders(path, options))
        return try await withTaskCancellationHandler {
            try await call.awaitResult()
        } onCancel: {
            call.cancel(GRPCStatus(.cancelled, "call cancelled"))
        }
    }

    /// A server-streaming call. The stream ends normally on an OK status and throws the status
    /// otherwise. Cancelling the consuming task (or dropping the stream) sends RST_STREAM(CANCEL).
    public func serverStreaming(_ path: String, _ request: [UInt8], options: GRPCCallOptions = .init())
        -> AsyncThrowingStream<[UInt8], any Error>
    {
        let framed: ByteBuffer
        do {
            framed = try GRPCFraming.encode(
                request, compress: options.compression, maxSize: self.configuration.maxSendMessageSize,
                allocator: self.allocator)
        } catch {
            return AsyncThrowingStream { continuation in continuation.finish(throwing: error) }
        }
        let call = self.makeCall(path, options, streamingResponse: true)
        call.outbound.enqueue(data: framed, end: .endStream)
        self.connection.start(call, headers: self.requestHeaders(path, options))
        return call.makeResponseStream()
    }

    /// A client-streaming call: `requests` writes the request messages (the stream is
    /// half-closed when it returns); returns the single response.
    public func clientStreaming(
        _ path: String, options: GRPCCallOptions = .init(), requests: @Sendable (ResponseWriter) async throws -> Void
    ) async throws -> [UInt8] {
        let call = self.makeCall(path, options, streamingResponse: false)
        self.connection.start(call, headers: self.requestHeaders(path, options))
        return try await withTaskCancellationHandler {
            do {
                try await requests(ResponseWriter(sink: call))
            } catch {
                if let status = call.failedStatus { throw status }
                call.cancel(error as? GRPCStatus ?? GRPCStatus(.cancelled, "request stream failed"))
                throw error
            }
            call.finishRequests()
            return try await call.awaitResult().response
        } onCancel: {
            call.cancel(GRPCStatus(.cancelled, "call cancelled"))
        }
    }

    /// A bidirectional call: `requests` runs concurrently in its own task and writes the
    /// request messages (the request stream is half-closed when it returns; if it throws, the
    /// call is cancelled). The returned stream yields the responses.
    public func bidirectional(
        _ path: String, options: GRPCCallOptions = .init(),
        requests: @escaping @Sendable (ResponseWriter) async throws -> Void
    ) -> AsyncThrowingStream<[UInt8], any Error> {
        let call = self.makeCall(path, options, streamingResponse: true)
        self.connection.start(call, headers: self.requestHeaders(path, options))
        let task = Task {
            do {
                try await requests(ResponseWriter(sink: call))
                call.finishRequests()
            } catch {
                if call.failedStatus == nil {
                    call.cancel(error as? GRPCStatus ?? GRPCStatus(.cancelled, "request stream failed"))
                }
            }
        }
        call.setRequestTask(task)
        return call.makeResponseStream()
    }

    /// Closes the connection (GOAWAY, then close). In-flight calls fail with UNAVAILABLE.
    public func close() async {
        let channel = self.channel
        self.connection.execute({ connection in connection.close() }, ifClosed: { channel.close(promise: nil) })
        try? await channel.closeFuture.get()
    }
}
