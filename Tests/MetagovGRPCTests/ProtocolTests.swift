import Foundation
import MetagovGRPC
import MetagovHTTP2
import MetagovTestSupport
import NIOCore
import NIOPosix
import Testing

/// Foundation's `Process` leaks a weak-reference side table that LeakSanitizer reports; the
/// nghttp interop test is skipped under ASan (the raw HTTP/2 client test covers the same).
let runningUnderAddressSanitizer: Bool = dlsym(nil, "__asan_init") != nil

@Suite("Protocol handling and robustness")
struct ProtocolTests {
    @Test("a non-gRPC content-type gets HTTP 415 and no grpc-status")
    func wrongContentType() async throws {
        try await withTestServer { server in
            let raw = try await RawHTTP2Client.connect(port: server.port)
            let response = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(path: "/test.Echo/Unary", contentType: "application/json"),
                body: Array("{}".utf8))
            #expect(response.header(":status") == "415")
            #expect(response.trailer("grpc-status") == nil)
            // application/grpc+proto is accepted.
            let ok = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(path: "/test.Echo/Unary", contentType: "application/grpc+proto"),
                body: RawHTTP2Client.frame([5]))
            #expect(ok.header(":status") == "200")
            #expect(ok.header("content-type") == "application/grpc")
            #expect(ok.header("grpc-accept-encoding") == "gzip,identity")
            #expect(ok.trailer("grpc-status") == "0")
            #expect(ok.messages == [[5]])
            await raw.close()
        }
    }

    @Test(
        "nghttp (nghttp2's client) sees 415 for a wrong content-type",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/nghttp") && !runningUnderAddressSanitizer))
    func wrongContentTypeWithNghttp() async throws {
        try await withTestServer { server in
            let body = FileManager.default.temporaryDirectory.appendingPathComponent("grpc-415-\(server.port).txt")
            try Data("hello".utf8).write(to: body)
            defer { try? FileManager.default.removeItem(at: body) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/nghttp")
            process.arguments = [
                "-v", "-H", "content-type: text/plain", "-d", body.path,
                "http://127.0.0.1:\(server.port)/test.Echo/Unary",
            ]
            let output = try runToEnd(process, mergingErrors: true).stdoutText
            #expect(output.contains(":status: 415"), "\(output)")
            #expect(!output.contains("grpc-status"))
        }
    }

    @Test("PING is acknowledged with its payload")
    func ping() async throws {
        try await withTestServer { server in
            let raw = try await RawHTTP2Client.connect(port: server.port)
            #expect(await raw.ping(payload: 0x0102_0304_0506_0708))
            #expect(await raw.ping(payload: 42))
            // Still a working connection afterwards.
            let response = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(path: "/test.Echo/Unary"), body: RawHTTP2Client.frame([4]))
            #expect(response.messages == [[4]])
            await raw.close()
        }
    }

    @Test("a GET request gets HTTP 405")
    func wrongMethod() async throws {
        try await withTestServer { server in
            let raw = try await RawHTTP2Client.connect(port: server.port)
            let headers = [
                HTTP2Header(":method", "GET"), HTTP2Header(":scheme", "http"), HTTP2Header(":path", "/test.Echo/Unary"),
                HTTP2Header(":authority", "localhost"),
            ]
            let response = try await raw.request(headers: headers, body: nil)
            #expect(response.header(":status") == "405")
            await raw.close()
        }
    }

    @Test("trailers-only responses for immediate errors")
    func trailersOnly() async throws {
        try await withTestServer { server in
            let raw = try await RawHTTP2Client.connect(port: server.port)
            let response = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(path: "/no.Such/Method"), body: RawHTTP2Client.frame([]))
            #expect(response.header(":status") == "200")
            #expect(response.header("grpc-status") == "12")
            #expect(response.header("grpc-message") == "unknown method /no.Such/Method")
            #expect(response.trailers.isEmpty)
            #expect(response.body.isEmpty)
            await raw.close()
        }
    }

    @Test("unknown grpc-encoding → UNIMPLEMENTED, advertising what is supported")
    func unknownEncoding() async throws {
        try await withTestServer { server in
            let raw = try await RawHTTP2Client.connect(port: server.port)
            let response = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(
                    path: "/test.Echo/Unary", extra: [HTTP2Header("grpc-encoding", "snappy")]),
                body: RawHTTP2Client.frame([1], compressed: true))
            #expect(response.trailer("grpc-status") == "12")
            #expect(response.header("grpc-accept-encoding") == "gzip,identity")
            // identity is fine.
            let identity = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(
                    path: "/test.Echo/Unary", extra: [HTTP2Header("grpc-encoding", "identity")]),
                body: RawHTTP2Client.frame([1]))
            #expect(identity.trailer("grpc-status") == "0")
            await raw.close()
        }
    }

    @Test("unary with zero or two request messages → UNIMPLEMENTED")
    func unaryCardinality() async throws {
        try await withTestServer { server in
            let raw = try await RawHTTP2Client.connect(port: server.port)
            for path in ["/test.Echo/Unary", "/test.Echo/OnLoop", "/test.Echo/Count"] {
                let none = try await raw.request(headers: RawHTTP2Client.grpcHeaders(path: path), body: nil)
                #expect(none.trailer("grpc-status") == "12", "\(path)")
                #expect(none.trailer("grpc-message")?.contains("expected exactly one request message") == true)
                let two = try await raw.request(
                    headers: RawHTTP2Client.grpcHeaders(path: path),
                    body: RawHTTP2Client.frame([1]) + RawHTTP2Client.frame([2]))
                #expect(two.trailer("grpc-status") == "12", "\(path)")
            }
            await raw.close()
        }
    }

    @Test("several messages in one DATA frame, a message split across frames, truncated and bad frames")
    func framingEdgeCases() async throws {
        try await withTestServer { server in
            let raw = try await RawHTTP2Client.connect(port: server.port)
            let three = RawHTTP2Client.frame([1]) + RawHTTP2Client.frame([2, 2]) + RawHTTP2Client.frame([])
            let collected = try await raw.request(headers: RawHTTP2Client.grpcHeaders(path: "/test.Echo/Collect"), body: three)
            #expect(collected.trailer("grpc-status") == "0")
            #expect(collected.messages == [encodeUInt32s(3) + [1, 2, 2]])
            // A truncated message at end of stream.
            let truncated = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(path: "/test.Echo/Unary"), body: [0, 0, 0, 0, 10, 1, 2])
            #expect(truncated.trailer("grpc-status") == "13")
            // An invalid compression flag.
            let badFlag = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(path: "/test.Echo/Unary"), body: [7, 0, 0, 0, 0])
            #expect(badFlag.trailer("grpc-status") == "13")
            // Compressed flag without grpc-encoding.
            let noEncoding = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(path: "/test.Echo/Unary"), body: RawHTTP2Client.frame([1], compressed: true))
            #expect(noEncoding.trailer("grpc-status") == "13")
            // Corrupt gzip data.
            let corrupt = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(path: "/test.Echo/Unary", extra: [HTTP2Header("grpc-encoding", "gzip")]),
                body: RawHTTP2Client.frame([1, 2, 3, 4, 5], compressed: true))
            #expect(corrupt.trailer("grpc-status") == "13")
            // Malformed grpc-timeout.
            let badTimeout = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(path: "/test.Echo/Unary", extra: [HTTP2Header("grpc-timeout", "soon")]),
                body: RawHTTP2Client.frame([1]))
            #expect(badTimeout.trailer("grpc-status") == "13")
            // Still serving on the same connection.
            let fine = try await raw.request(headers: RawHTTP2Client.grpcHeaders(path: "/test.Echo/Unary"), body: RawHTTP2Client.frame([9]))
            #expect(fine.messages == [[9]])
            await raw.close()
        }
    }

    @Test("garbage bytes on a raw TCP socket close that connection only")
    func garbage() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            #expect(try await client.unary("/test.Echo/Unary", [1]).response == [1])
            let payloads: [[UInt8]] = [
                Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
                (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) },
                // A valid preface followed by a frame with an absurd length and garbage.
                Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]
                    + [0xFF, 0xFF, 0xFF, 0x01, 0x05, 0x00, 0x00, 0x00, 0x01] + [UInt8](repeating: 0xAB, count: 512),
                // A valid preface and SETTINGS, then HEADERS with a broken HPACK block.
                Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]
                    + [0, 0, 4, 1, 5, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF],
            ]
            for payload in payloads {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: server.port).get()
                var buffer = channel.allocator.buffer(capacity: payload.count)
                buffer.writeBytes(payload)
                try? await channel.writeAndFlush(buffer)
                // The server hangs up on its own.
                let closed = try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        try await channel.closeFuture.get()
                        return true
                    }
                    group.addTask {
                        try await Task.sleep(for: .seconds(5))
                        return false
                    }
                    let first = try await group.next() ?? false
                    group.cancelAll()
                    return first
                }
                #expect(closed)
                try? await channel.close()
            }
            // The server (and the existing connection) keep working.
            #expect(try await client.unary("/test.Echo/Unary", [2]).response == [2])
            let fresh = try await server.client()
            #expect(try await fresh.unary("/test.Echo/Reverse", [1, 2]).response == [2, 1])
            await fresh.close()
        }
    }

    @Test("connecting to a closed port → UNAVAILABLE; calls after close → UNAVAILABLE")
    func unavailable() async throws {
        let server = try await TestServer.start()
        let port = server.port
        let client = try await server.client()
        #expect(try await client.unary("/test.Echo/Unary", [1]).response == [1])
        await client.close()
        await expectStatus(.unavailable) {
            _ = try await client.unary("/test.Echo/Unary", [1])
        }
        await server.server.shutdown()
        await expectStatus(.unavailable) {
            _ = try await GRPCClient.connect(host: "127.0.0.1", port: port)
        }
    }

    @Test("connection loss fails in-flight calls with UNAVAILABLE")
    func connectionLoss() async throws {
        let server = try await TestServer.start(configure: { $0.shutdownGracePeriod = .milliseconds(200) })
        let client = try await server.client()
        var options = GRPCCallOptions()
        // Far longer than the shutdown can take on a busy machine: the handler must be ended by the grace period.
        options.metadata.add("x-sleep-ms", "120000")
        let call = Task { try await client.unary("/test.Echo/Slow", [], options: options) }
        #expect(await server.probe.wait(for: "slow.start"))
        await server.server.shutdown()
        await expectStatus(.unavailable) { _ = try await call.value }
        // The grace period ended the call, not the handler finishing.
        #expect(await server.probe.wait(for: "slow.cancelled"))
        #expect(server.probe.count("slow.done") == 0)
        await client.close()
    }
}

@Suite("Server lifecycle")
struct LifecycleTests {
    @Test("graceful shutdown lets an in-flight call finish, then closes")
    func gracefulShutdown() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        #expect(try await client.unary("/test.Echo/Unary", [1]).response == [1])
        var options = GRPCCallOptions()
        options.metadata.add("x-sleep-ms", "600")
        let call = Task { try await client.unary("/test.Echo/Slow", [7], options: options) }
        #expect(await server.probe.wait(for: "slow.start"))
        await server.server.shutdown()
        // shutdown() returned after the in-flight call finished normally (not cut by the grace period).
        #expect(server.probe.count("slow.done") == 1)
        #expect(server.probe.count("slow.cancelled") == 0)
        #expect(try await call.value.response == [7])
        #expect(server.server.connectionCount == 0)
        // The client's connection was closed by the server.
        await expectStatus(.unavailable) {
            _ = try await client.unary("/test.Echo/Unary", [1])
        }
        await client.close()
        // New connections are refused.
        await expectStatus(.unavailable) {
            _ = try await GRPCClient.connect(host: "127.0.0.1", port: server.port)
        }
    }

    @Test("run() returns after shutdown() from another task")
    func runAndShutdown() async throws {
        var configuration = GRPCServerConfiguration()
        configuration.port = 0
        configuration.eventLoopThreads = 1
        let server = GRPCServer(configuration: configuration, methods: makeTestMethods(Probe()))
        let port = try await server.start()
        let runner = Task { try await server.run() }
        let client = try await GRPCClient.connect(host: "127.0.0.1", port: port)
        #expect(try await client.unary("/test.Echo/OnLoop", [3]).response == [3])
        await client.close()
        await server.shutdown()
        try await runner.value
        await server.shutdown()  // idempotent
    }

    @Test("an idle server shuts down and stops listening; a stopped server cannot restart")
    func idleShutdown() async throws {
        let server = try await TestServer.start()
        await server.server.shutdown()
        #expect(server.server.connectionCount == 0)
        await expectStatus(.unavailable) {
            _ = try await GRPCClient.connect(host: "127.0.0.1", port: server.port)
        }
        await #expect(throws: GRPCStatus.self) { _ = try await server.server.start() }
    }
}

/// Rejects calls without an `authorization` header and counts the rest.
struct AuthInterceptor: ServerInterceptor {
    let probe: Probe

    func intercept(_ context: ServerCallContext, next: @Sendable () async throws -> Void) async throws {
        guard context.metadata["authorization"] == "Bearer secret" else {
            throw GRPCStatus(.unauthenticated, "missing credentials for \(context.path)")
        }
        self.probe.hit("auth.ok")
        try await next()
    }
}

/// Records, around each call, that it started and how its handler ended.
struct OutcomeInterceptor: ServerInterceptor {
    let probe: Probe

    func intercept(_ context: ServerCallContext, next: @Sendable () async throws -> Void) async throws {
        self.probe.hit("before \(context.path)")
        do {
            try await next()
            self.probe.hit("ok \(context.path)")
        } catch let status as GRPCStatus {
            self.probe.hit("\(status.code) \(context.path)")
            throw GRPCStatus(status.code, "wrapped: \(status.message)")
        }
    }
}

@Suite("Interceptors")
struct InterceptorTests {
    @Test("an interceptor can reject calls and sees every call")
    func interceptor() async throws {
        let probe = Probe()
        try await withTestServer(interceptors: [AuthInterceptor(probe: probe)]) { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let status = await expectStatus(.unauthenticated) {
                _ = try await client.unary("/test.Echo/Unary", [1])
            }
            #expect(status?.message == "missing credentials for /test.Echo/Unary")
            var options = GRPCCallOptions()
            options.metadata.add("authorization", "Bearer secret")
            #expect(try await client.unary("/test.Echo/Unary", [1], options: options).response == [1])
            #expect(try await client.unary("/test.Echo/OnLoop", [2], options: options).response == [2])
            var count = 0
            for try await _ in client.serverStreaming("/test.Echo/Count", encodeUInt32s(3, 4), options: options) {
                count += 1
            }
            #expect(count == 3)
            await expectStatus(.unauthenticated) {
                for try await _ in client.serverStreaming("/test.Echo/Count", encodeUInt32s(3, 4)) {}
            }
            #expect(probe.count("auth.ok") == 3)
        }
    }

    @Test("interceptors wrap the handler, the first outermost: they see how it ended and may change its status")
    func wrapping() async throws {
        let outer = Probe()
        let inner = Probe()
        try await withTestServer(interceptors: [OutcomeInterceptor(probe: outer), AuthInterceptor(probe: inner)]) { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            var options = GRPCCallOptions()
            options.metadata.add("authorization", "Bearer secret")
            #expect(try await client.unary("/test.Echo/Unary", [7], options: options).response == [7])
            let failed = await expectStatus(.notFound) {
                _ = try await client.unary("/test.Echo/FailOnLoop", Array("gone".utf8), options: options)
            }
            #expect(failed?.message == "wrapped: gone")
            // Refused by the inner interceptor: the outer one sees that status too.
            await expectStatus(.unauthenticated) { _ = try await client.unary("/test.Echo/OnLoop", [1]) }
            var streamed = 0
            for try await _ in client.serverStreaming("/test.Echo/Count", encodeUInt32s(2, 4), options: options) {
                streamed += 1
            }
            #expect(streamed == 2)
            #expect(outer.count("before /test.Echo/Unary") == 1 && outer.count("ok /test.Echo/Unary") == 1)
            #expect(outer.count("NOT_FOUND /test.Echo/FailOnLoop") == 1)
            #expect(outer.count("UNAUTHENTICATED /test.Echo/OnLoop") == 1)
            #expect(outer.count("ok /test.Echo/Count") == 1)
            #expect(inner.count("auth.ok") == 3)
        }
    }
}
