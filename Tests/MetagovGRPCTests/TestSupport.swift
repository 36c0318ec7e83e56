import Foundation
import MetagovGRPC
import MetagovHTTP2
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Counts named events emitted by test handlers.
final class Probe: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func hit(_ name: String) {
        self.counts.withLock { $0[name, default: 0] += 1 }
    }

    func count(_ name: String) -> Int {
        self.counts.withLock { $0[name, default: 0] }
    }

    /// Polls until `name` was hit at least `count` times.
    func wait(for name: String, count: Int = 1, timeout: Duration = .seconds(120)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if self.count(name) >= count { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return self.count(name) >= count
    }
}

struct TestError: Error {}

extension Array where Element == UInt8 {
    init(_ string: String) { self = Array(string.utf8) }
    var string: String { String(decoding: self, as: UTF8.self) }
}

func encodeUInt32s(_ values: UInt32...) -> [UInt8] {
    var bytes: [UInt8] = []
    for value in values {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
    return bytes
}

func decodeUInt32(_ bytes: [UInt8], at offset: Int = 0) -> UInt32 {
    guard bytes.count >= offset + 4 else { return 0 }
    return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
        | UInt32(bytes[offset + 3])
}

/// The methods every test server serves.
func makeTestMethods(_ probe: Probe) -> MethodTable {
    var methods = MethodTable()
    methods.register("/test.Echo/Unary", .unary { request, _ in request })
    methods.register("/test.Echo/OnLoop", .unaryOnLoop { request, _ in request })
    methods.register("/test.Echo/Reverse", .unary { request, _ in request.reversed() })
    methods.register(
        "/test.Echo/Fail",
        .unary { request, context in
            let code = GRPCStatus.Code(rawValue: Int(context.metadata["x-code"] ?? "2") ?? 2) ?? .unknown
            throw GRPCStatus(code, request.string)
        })
    methods.register("/test.Echo/FailOnLoop", .unaryOnLoop { request, _ in throw GRPCStatus(.notFound, request.string) })
    methods.register("/test.Echo/Throw", .unary { _, _ in throw TestError() })
    methods.register(
        "/test.Echo/Metadata",
        .unary { request, context in
            var initial = GRPCMetadata()
            initial.add("x-initial", "hello")
            initial.add("x-echo-text", context.metadata["x-text"] ?? "<none>")
            context.setResponseMetadata(initial)
            var trailing = GRPCMetadata()
            trailing.add("x-trailing", "bye")
            trailing.addBinary("x-echo-bin", context.metadata.binary("x-data-bin") ?? [])
            trailing.add("x-count", String(context.metadata.values("x-multi").count))
            context.setTrailingMetadata(trailing)
            return context.metadata.binary("x-data-bin") ?? []
        })
    methods.register(
        "/test.Echo/Slow",
        .unary { request, context in
            probe.hit("slow.start")
            let ms = Int(context.metadata["x-sleep-ms"] ?? "1000") ?? 1000
            do {
                try await Task.sleep(for: .milliseconds(ms))
            } catch {
                probe.hit("slow.cancelled")
                throw error
            }
            probe.hit("slow.done")
            return request
        })
    methods.register(
        "/test.Echo/Count",
        .serverStreaming { request, writer, _ in
            let count = decodeUInt32(request, at: 0)
            let size = max(Int(decodeUInt32(request, at: 4)), 4)
            for index in 0..<count {
                var message = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: size)
                let prefix = encodeUInt32s(index)
                message.replaceSubrange(0..<4, with: prefix)
                do {
                    try await writer.write(message)
                } catch {
                    probe.hit("count.writeFailed")
                    throw error
                }
            }
            probe.hit("count.done")
        })
    methods.register(
        "/test.Echo/Infinite",
        .serverStreaming { _, writer, _ in
            probe.hit("infinite.start")
            var index: UInt32 = 0
            do {
                while true {
                    try Task.checkCancellation()
                    try await writer.write(encodeUInt32s(index) + [UInt8](repeating: 7, count: 1020))
                    index &+= 1
                }
            } catch {
                probe.hit("infinite.cancelled")
                throw error
            }
        })
    methods.register(
        "/test.Echo/Collect",
        .clientStreaming { requests, _ in
            var all: [UInt8] = []
            var count: UInt32 = 0
            for try await message in requests {
                all += message
                count += 1
            }
            probe.hit("collect.done")
            return encodeUInt32s(count) + all
        })
    methods.register(
        "/test.Echo/Ignore",
        .clientStreaming { _, _ in
            try await Task.sleep(for: .seconds(30))
            return []
        })
    methods.register(
        "/test.Echo/SlowSum",
        .clientStreaming { requests, _ in
            var count: UInt32 = 0
            var total: UInt32 = 0
            for try await message in requests {
                count += 1
                total &+= UInt32(message.count)
                if count % 16 == 0 { try await Task.sleep(for: .milliseconds(1)) }
            }
            return encodeUInt32s(count, total)
        })
    methods.register(
        "/test.Echo/Bidi",
        .bidirectional { requests, writer, _ in
            for try await message in requests {
                try await writer.write(message.reversed())
            }
            probe.hit("bidi.done")
        })
    methods.register(
        "/test.Echo/Big",
        .unary { request, _ in
            [UInt8](repeating: 42, count: Int(decodeUInt32(request)))
        })
    methods.register("/test.Echo/Peer", .unaryOnLoop { _, context in Array(context.peer.utf8) })
    methods.register("/test.Echo/PeerCertificate", .unary { _, context in context.peerCertificate ?? [] })
    methods.register(
        "/test.Echo/Deadline",
        .unary { _, context in
            guard let deadline = context.deadline else { return [0] }
            let remaining = ContinuousClock.now.duration(to: deadline)
            return [1] + encodeUInt32s(UInt32(max(0, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)))
        })
    return methods
}

/// A running test server plus its probe.
struct TestServer: Sendable {
    let server: GRPCServer
    let port: Int
    let probe: Probe

    static func start(
        configure: (inout GRPCServerConfiguration) -> Void = { _ in },
        interceptors: [any ServerInterceptor] = []
    ) async throws -> TestServer {
        let probe = Probe()
        var configuration = GRPCServerConfiguration()
        configuration.port = 0
        configuration.eventLoopThreads = 2
        configuration.shutdownGracePeriod = .seconds(5)
        configure(&configuration)
        let server = GRPCServer(configuration: configuration, methods: makeTestMethods(probe), interceptors: interceptors)
        let port = try await server.start()
        return TestServer(server: server, port: port, probe: probe)
    }

    func client(_ configuration: GRPCClientConfiguration = .init()) async throws -> GRPCClient {
        try await GRPCClient.connect(host: "127.0.0.1", port: self.port, configuration: configuration)
    }
}

/// Starts a server, runs `body`, and always shuts the server down.
func withTestServer<T: Sendable>(
    configure: (inout GRPCServerConfiguration) -> Void = { _ in },
    interceptors: [any ServerInterceptor] = [],
    _ body: (TestServer) async throws -> T
) async throws -> T {
    let server = try await TestServer.start(configure: configure, interceptors: interceptors)
    do {
        let result = try await body(server)
        await server.server.shutdown()
        return result
    } catch {
        await server.server.shutdown()
        throw error
    }
}

/// Expects `body` to throw a `GRPCStatus` with `code`; returns it.
@discardableResult
func expectStatus(
    _ code: GRPCStatus.Code, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> GRPCStatus? {
    do {
        try await body()
        Issue.record("expected \(code), but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let status as GRPCStatus {
        #expect(status.code == code, "got \(status)", sourceLocation: sourceLocation)
        return status
    } catch {
        Issue.record("expected GRPCStatus \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

// MARK: - Raw HTTP/2 client (MetagovHTTP2 in client role, no gRPC logic)

/// A bare HTTP/2 client used to send requests the gRPC client would never produce.
final class RawHTTP2Client: HTTP2ConnectionDelegate, @unchecked Sendable {
    struct Response: Sendable {
        var headers: [HTTP2Header] = []
        var trailers: [HTTP2Header] = []
        var body: [UInt8] = []
        var resetCode: HTTP2ErrorCode? = nil

        func header(_ name: String) -> String? {
            self.headers.first { $0.name == name }?.value
        }

        func trailer(_ name: String) -> String? {
            self.trailers.first { $0.name == name }?.value ?? self.header(name)
        }

        /// The gRPC messages in the body (unframed, assuming no compression).
        var messages: [[UInt8]] {
            var result: [[UInt8]] = []
            var index = 0
            while index + 5 <= self.body.count {
                let length = Int(decodeUInt32(self.body, at: index + 1))
                guard index + 5 + length <= self.body.count else { break }
                result.append(Array(self.body[(index + 5)..<(index + 5 + length)]))
                index += 5 + length
            }
            return result
        }
    }

    private struct State {
        var pingWaiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var responses: [Int32: Response] = [:]
        var waiters: [Int32: CheckedContinuation<Response, any Error>] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    private let handleBox = Mutex<HTTP2ConnectionHandle?>(nil)
    private(set) var channel: (any Channel)?

    static func connect(port: Int) async throws -> RawHTTP2Client {
        let client = RawHTTP2Client()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let http2 = HTTP2Connection(role: .client)
                    http2.delegate = client
                    try channel.pipeline.syncOperations.addHandler(http2)
                    client.handleBox.withLock { $0 = http2.handle }
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        client.channel = channel
        return client
    }

    static func grpcHeaders(
        path: String, contentType: String = "application/grpc", extra: [HTTP2Header] = []
    ) -> [HTTP2Header] {
        [
            HTTP2Header(":method", "POST"), HTTP2Header(":scheme", "http"), HTTP2Header(":path", path),
            HTTP2Header(":authority", "localhost"), HTTP2Header("content-type", contentType),
            HTTP2Header("te", "trailers"),
        ] + extra
    }

    static func frame(_ message: [UInt8], compressed: Bool = false) -> [UInt8] {
        [compressed ? 1 : 0] + encodeUInt32s(UInt32(message.count)) + message
    }

    /// Sends a request and waits until its stream closes.
    func request(headers: [HTTP2Header], body: [UInt8]?, timeout: Duration = .seconds(60)) async throws -> Response {
        guard let handle = self.handleBox.withLock({ $0 }) else { throw HTTP2Error.connectionClosed }
        let outbound = HTTP2OutboundStream()
        if let body, !body.isEmpty {
            var buffer = ByteBufferAllocator().buffer(capacity: body.count)
            buffer.writeBytes(body)
            outbound.enqueue(data: buffer, end: .endStream)
        } else {
            outbound.enqueue(end: .endStream)
        }
        return try await withCheckedThrowingContinuation { continuation in
            handle.execute({ connection in
                do {
                    let id = try connection.startRequest(headers: headers, outbound: outbound)
                    self.state.withLock { $0.waiters[id] = continuation }
                } catch {
                    continuation.resume(throwing: error)
                }
            }, ifClosed: {
                continuation.resume(throwing: HTTP2Error.connectionClosed)
            })
        }
    }

    /// Sends a PING; returns true when its acknowledgement (with the same payload) arrives within
    /// `timeLimit`, false otherwise (so a test fails instead of hanging).
    func ping(payload: UInt64, timeLimit: Duration = .seconds(120)) async -> Bool {
        guard let handle = self.handleBox.withLock({ $0 }) else { return false }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            self.state.withLock { $0.pingWaiters[payload] = continuation }
            handle.execute { connection in connection.sendPing(payload: payload) }
            Task {
                try? await Task.sleep(for: timeLimit)
                self.state.withLock { $0.pingWaiters.removeValue(forKey: payload) }?.resume(returning: false)
            }
        }
    }

    func pingAcknowledged(_ connection: HTTP2Connection, payload: UInt64) {
        let waiter = self.state.withLock { $0.pingWaiters.removeValue(forKey: payload) }
        waiter?.resume(returning: true)
    }

    func close() async {
        guard let channel = self.channel else { return }
        try? await channel.close()
    }

    // MARK: HTTP2ConnectionDelegate

    func connectionActive(_ connection: HTTP2Connection) {}

    func headersReceived(
        _ connection: HTTP2Connection, streamID: Int32, kind: HTTP2HeadersKind, headers: [HTTP2Header],
        endStream: Bool
    ) {
        self.state.withLock { state in
            if kind == .response {
                state.responses[streamID, default: Response()].headers = headers
            } else {
                state.responses[streamID, default: Response()].trailers = headers
            }
        }
    }

    func dataReceived(_ connection: HTTP2Connection, streamID: Int32, data: ByteBuffer) {
        self.state.withLock { state in
            state.responses[streamID, default: Response()].body += Array(data.readableBytesView)
        }
        connection.consume(streamID: streamID, bytes: data.readableBytes)
    }

    func endOfStreamReceived(_ connection: HTTP2Connection, streamID: Int32) {}
    func endOfStreamSent(_ connection: HTTP2Connection, streamID: Int32) {}

    func streamClosed(_ connection: HTTP2Connection, streamID: Int32, errorCode: HTTP2ErrorCode) {
        let (waiter, response) = self.state.withLock { state -> (CheckedContinuation<Response, any Error>?, Response) in
            var response = state.responses.removeValue(forKey: streamID) ?? Response()
            if errorCode != .noError { response.resetCode = errorCode }
            return (state.waiters.removeValue(forKey: streamID), response)
        }
        waiter?.resume(returning: response)
    }

    func goAwayReceived(_ connection: HTTP2Connection, lastStreamID: Int32, errorCode: HTTP2ErrorCode) {}

    func connectionClosed(_ connection: HTTP2Connection, error: (any Error)?) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Response, any Error>] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(throwing: HTTP2Error.connectionClosed) }
    }
}
