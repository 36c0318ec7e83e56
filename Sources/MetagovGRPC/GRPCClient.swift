import MetagovHTTP2
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A gRPC client of one server (h2c, nghttp2 in client role) that multiplexes any number of concurrent calls
/// over one HTTP/2 connection at a time.
///
/// Non-OK statuses are thrown as `GRPCStatus`. Losing the connection (or the server's GOAWAY) fails the calls
/// in flight on it with `UNAVAILABLE` (they are never retried: they may have had effects); the next call opens
/// a new connection, and calls made while it connects wait for it (or fail with `UNAVAILABLE` if it cannot be
/// opened).
public final class GRPCClient: Sendable {
    private let host: String
    private let port: Int
    private let configuration: GRPCClientConfiguration
    private let allocator = ByteBufferAllocator()

    private struct Links {
        var current: GRPCClientConnection?
        var closed = false
    }

    private let links = Mutex(Links())

    private init(host: String, port: Int, configuration: GRPCClientConfiguration) {
        self.host = host
        self.port = port
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
        let client = GRPCClient(host: host, port: port, configuration: configuration)
        let (connection, _) = client.currentConnection()
        if let failure = await client.establishing(connection) { throw failure }
        return client
    }

    /// Whether the current connection is up and takes new calls (the next call reconnects otherwise).
    public var isConnected: Bool {
        guard let connection = self.links.withLock({ $0.current }), connection.isUsable,
            let handle = connection.handle
        else { return false }
        return !handle.isClosed
    }

    /// The connection new calls go to: the current one while it takes calls, else a new one (connecting in
    /// the background; calls started on it wait until it is up).
    private func usableConnection() -> GRPCClientConnection {
        let (connection, isNew) = self.currentConnection()
        if isNew { Task { await self.establishing(connection) } }
        return connection
    }

    /// The current connection if it takes calls, else a new one that nobody is connecting yet (`isNew`).
    private func currentConnection() -> (GRPCClientConnection, isNew: Bool) {
        self.links.withLock { links -> (GRPCClientConnection, Bool) in
            if let current = links.current, current.isUsable || links.closed { return (current, false) }
            let fresh = GRPCClientConnection(configuration: self.configuration, authority: "\(self.host):\(self.port)")
            if links.closed { fresh.connectFailed(GRPCStatus(.unavailable, "client closed")) }
            links.current = fresh
            return (fresh, !links.closed)
        }
    }

    /// Opens `connection`'s TCP connection and HTTP/2 session; the failure, if it could not.
    @discardableResult
    private func establishing(_ connection: GRPCClientConnection) async -> GRPCStatus? {
        if connection.handle != nil || !connection.isUsable { return nil }
        var http2Configuration = HTTP2ConnectionConfiguration()
        http2Configuration.initialStreamWindowSize = self.configuration.initialStreamWindowSize
        http2Configuration.connectionWindowSize = self.configuration.connectionWindowSize
        let settings = http2Configuration
        let handle = Mutex<HTTP2ConnectionHandle?>(nil)
        let tlsContext: NIOSSLContext?
        do {
            tlsContext = try self.configuration.tls?.makeContext()
        } catch {
            let status = error as? GRPCStatus ?? GRPCStatus(.invalidArgument, "TLS: \(error)")
            connection.connectFailed(status)
            return status
        }
        let host = self.host
        let serverHostname = self.configuration.tls?.serverHostname
            ?? (IPAddressText.isLiteral(host) ? nil : host)
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tlsContext, serverHostname: serverHostname))
                    }
                    let http2 = HTTP2Connection(role: .client, configuration: settings)
                    http2.delegate = connection
                    try channel.pipeline.syncOperations.addHandler(http2)
                    handle.withLock { $0 = http2.handle }
                }
            }
        do {
            let channel = try await bootstrap.connect(host: self.host, port: self.port).get()
            guard let ready = handle.withLock({ $0 }) else {
                throw GRPCStatus(.internal, "the HTTP/2 handler was not installed")
            }
            connection.connected(ready, channel: channel)
            return nil
        } catch {
            let status = GRPCStatus(.unavailable, "could not connect to \(self.host):\(self.port): \(error)")
            connection.connectFailed(status)
            return status
        }
    }

    private func requestHeaders(_ path: String, _ options: GRPCCallOptions) -> [HTTP2Header] {
        var headers: [HTTP2Header] = [
            HTTP2Header(":method", "POST"), HTTP2Header(":scheme", self.configuration.tls == nil ? "http" : "https"),
            HTTP2Header(":path", path),
            HTTP2Header(":authority", "\(self.host):\(self.port)"), HTTP2Header("content-type", "application/grpc"),
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

    private func makeCall(_ path: String, _ options: GRPCCallOptions, streamingResponse: Bool)
        -> (ClientCall, GRPCClientConnection)
    {
        let connection = self.usableConnection()
        let call = ClientCall(
            path: path, options: options, configuration: self.configuration, streamingResponse: streamingResponse,
            connection: connection, allocator: self.allocator)
        return (call, connection)
    }

    /// A unary call. Returns the response and the response metadata (initial metadata followed
    /// by trailing metadata). Throws `GRPCStatus` for non-OK statuses.
    public func unary(_ path: String, _ request: [UInt8], options: GRPCCallOptions = .init()) async throws -> (
        response: [UInt8], metadata: GRPCMetadata
    ) {
        let framed = try GRPCFraming.encode(
            request, compress: options.compression, maxSize: self.configuration.maxSendMessageSize,
            allocator: self.allocator)
        let (call, connection) = self.makeCall(path, options, streamingResponse: false)
        call.outbound.enqueue(data: framed, end: .endStream)
        connection.start(call, headers: self.requestHeaders(path, options))
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
        let (call, connection) = self.makeCall(path, options, streamingResponse: true)
        call.outbound.enqueue(data: framed, end: .endStream)
        connection.start(call, headers: self.requestHeaders(path, options))
        return call.makeResponseStream()
    }

    /// A client-streaming call: `requests` writes the request messages (the stream is
    /// half-closed when it returns); returns the single response.
    public func clientStreaming(
        _ path: String, options: GRPCCallOptions = .init(), requests: @Sendable (ResponseWriter) async throws -> Void
    ) async throws -> [UInt8] {
        let (call, connection) = self.makeCall(path, options, streamingResponse: false)
        connection.start(call, headers: self.requestHeaders(path, options))
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
        let (call, connection) = self.makeCall(path, options, streamingResponse: true)
        connection.start(call, headers: self.requestHeaders(path, options))
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

    /// Closes the client: GOAWAY, then close once the calls in flight are done; later calls fail with
    /// UNAVAILABLE.
    public func close() async {
        let current = self.links.withLock { links -> GRPCClientConnection? in
            links.closed = true
            return links.current
        }
        await current?.close()
    }
}
