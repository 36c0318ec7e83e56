import MetagovGRPC
import MetagovHTTP2
import Testing

@Suite("Unary calls")
struct UnaryTests {
    @Test("echo through .unary, .unaryOnLoop and a transforming handler")
    func echo() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            #expect(try await client.unary("/test.Echo/Unary", [1, 2, 3]).response == [1, 2, 3])
            #expect(try await client.unary("/test.Echo/OnLoop", [4, 5]).response == [4, 5])
            #expect(try await client.unary("/test.Echo/Reverse", [1, 2, 3]).response == [3, 2, 1])
            #expect(try await client.unary("/test.Echo/Unary", []).response == [])
        }
    }

    @Test("a 1 MiB message spans many DATA frames in both directions")
    func largeMessage() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let response = try await client.unary("/test.Echo/Reverse", payload).response
            #expect(response == Array(payload.reversed()))
        }
    }

    @Test("error statuses and messages (including non-ASCII) reach the client", arguments: [
        GRPCStatus.Code.invalidArgument, .notFound, .permissionDenied, .failedPrecondition, .internal,
        .unauthenticated, .unavailable,
    ])
    func errorStatuses(code: GRPCStatus.Code) async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let message = "héllo wörld ✓ 100% done\nsecond line 🙂"
            var options = GRPCCallOptions()
            options.metadata.add("x-code", String(code.rawValue))
            let status = await expectStatus(code) {
                _ = try await client.unary("/test.Echo/Fail", Array(message.utf8), options: options)
            }
            #expect(status?.message == message)
        }
    }

    @Test("a throwing .unaryOnLoop handler and a handler throwing a non-status error")
    func thrownErrors() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let status = await expectStatus(.notFound) {
                _ = try await client.unary("/test.Echo/FailOnLoop", Array("nope".utf8))
            }
            #expect(status?.message == "nope")
            let unknown = await expectStatus(.unknown) {
                _ = try await client.unary("/test.Echo/Throw", [])
            }
            #expect(unknown?.message.contains("TestError") == true)
            // The connection is still fine.
            #expect(try await client.unary("/test.Echo/Unary", [9]).response == [9])
        }
    }

    @Test("unknown method → UNIMPLEMENTED naming the method")
    func unknownMethod() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let status = await expectStatus(.unimplemented) {
                _ = try await client.unary("/x.Y/Z", [])
            }
            #expect(status?.message == "unknown method /x.Y/Z")
        }
    }

    @Test("metadata and -bin metadata round-trip: request → handler, response/trailing → client")
    func metadataRoundTrip() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            var options = GRPCCallOptions()
            let binary: [UInt8] = [0, 1, 2, 0xFF, 0xFE, 10, 13, 0x80]
            options.metadata.add("X-Text", "some value")
            options.metadata.addBinary("x-data-bin", binary)
            options.metadata.add("x-multi", "a")
            options.metadata.add("x-multi", "b")
            let (response, metadata) = try await client.unary("/test.Echo/Metadata", [], options: options)
            #expect(response == binary)
            #expect(metadata["x-initial"] == "hello")
            #expect(metadata["x-echo-text"] == "some value")
            #expect(metadata["x-trailing"] == "bye")
            #expect(metadata.binary("x-echo-bin") == binary)
            #expect(metadata["x-count"] == "2")
            // Reserved headers are not exposed as metadata.
            #expect(metadata["content-type"] == nil)
            #expect(metadata["grpc-status"] == nil)
        }
    }

    @Test("metadata values HTTP/2 forbids (padded with spaces, control characters) are not sent; the call works")
    func invalidMetadataValuesAreDropped() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            for bad in ["Bearer ", " padded", "line\nbreak"] {
                var options = GRPCCallOptions()
                options.metadata.add("x-text", bad)
                options.metadata.add("x-multi", "kept")
                let (_, metadata) = try await client.unary("/test.Echo/Metadata", [], options: options)
                #expect(metadata["x-echo-text"] == "<none>")
                #expect(metadata["x-count"] == "1")
            }
        }
    }

    @Test("peer and deadline are visible in the call context")
    func contextFields() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let peer = try await client.unary("/test.Echo/Peer", []).response.string
            #expect(peer.hasPrefix("ipv4:127.0.0.1:"))
            #expect(try await client.unary("/test.Echo/Deadline", []).response == [0])
            var options = GRPCCallOptions()
            options.timeout = .seconds(5)
            let response = try await client.unary("/test.Echo/Deadline", [], options: options).response
            #expect(response.first == 1)
            let remainingMs = decodeUInt32(response, at: 1)
            #expect(remainingMs > 3000 && remainingMs <= 5000)
        }
    }

    @Test("deadline: handler sleeping past the timeout → DEADLINE_EXCEEDED and the handler is cancelled")
    func deadlineExceeded() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            var options = GRPCCallOptions()
            options.timeout = .milliseconds(200)
            options.metadata.add("x-sleep-ms", "5000")
            await expectStatus(.deadlineExceeded) {
                _ = try await client.unary("/test.Echo/Slow", [], options: options)
            }
            #expect(await server.probe.wait(for: "slow.cancelled"))
            #expect(server.probe.count("slow.done") == 0)
            #expect(try await client.unary("/test.Echo/Unary", [1]).response == [1])
        }
    }

    @Test("the server enforces grpc-timeout on its own (raw client without a local timer)")
    func serverSideDeadline() async throws {
        try await withTestServer { server in
            let raw = try await RawHTTP2Client.connect(port: server.port)
            let headers = RawHTTP2Client.grpcHeaders(
                path: "/test.Echo/Slow",
                extra: [HTTP2Header("grpc-timeout", "150m"), HTTP2Header("x-sleep-ms", "5000")])
            let response = try await raw.request(headers: headers, body: RawHTTP2Client.frame([1]))
            #expect(response.header(":status") == "200")
            #expect(response.trailer("grpc-status") == "4")
            #expect(await server.probe.wait(for: "slow.cancelled"))
            await raw.close()
        }
    }

    @Test("oversized request → RESOURCE_EXHAUSTED with size and limit; the connection stays usable")
    func oversizedRequest() async throws {
        try await withTestServer(configure: { $0.maxReceiveMessageSize = 1024 }) { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let status = await expectStatus(.resourceExhausted) {
                _ = try await client.unary("/test.Echo/Unary", [UInt8](repeating: 1, count: 200_000))
            }
            #expect(status?.message.contains("200000") == true)
            #expect(status?.message.contains("1024") == true)
            #expect(try await client.unary("/test.Echo/Unary", [1, 2]).response == [1, 2])
            // Several in a row do not leak connection-level flow-control window.
            for _ in 0..<100 {
                await expectStatus(.resourceExhausted) {
                    _ = try await client.unary("/test.Echo/Unary", [UInt8](repeating: 1, count: 300_000))
                }
            }
            #expect(try await client.unary("/test.Echo/Unary", [3]).response == [3])
        }
    }

    @Test("oversized response → RESOURCE_EXHAUSTED; client-side send limit")
    func oversizedResponse() async throws {
        try await withTestServer(configure: { $0.maxSendMessageSize = 1000 }) { server in
            var clientConfiguration = GRPCClientConfiguration()
            clientConfiguration.maxSendMessageSize = 100
            let client = try await server.client(clientConfiguration)
            defer { Task { await client.close() } }
            let status = await expectStatus(.resourceExhausted) {
                _ = try await client.unary("/test.Echo/Big", encodeUInt32s(5000))
            }
            #expect(status?.message.contains("5000") == true)
            #expect(status?.message.contains("1000") == true)
            #expect(try await client.unary("/test.Echo/Big", encodeUInt32s(999)).response.count == 999)
            await expectStatus(.resourceExhausted) {
                _ = try await client.unary("/test.Echo/Unary", [UInt8](repeating: 0, count: 101))
            }
        }
    }

    @Test("client receive limit → RESOURCE_EXHAUSTED")
    func clientReceiveLimit() async throws {
        try await withTestServer { server in
            var clientConfiguration = GRPCClientConfiguration()
            clientConfiguration.maxReceiveMessageSize = 1000
            let client = try await server.client(clientConfiguration)
            defer { Task { await client.close() } }
            await expectStatus(.resourceExhausted) {
                _ = try await client.unary("/test.Echo/Big", encodeUInt32s(5000))
            }
            #expect(try await client.unary("/test.Echo/Big", encodeUInt32s(10)).response.count == 10)
        }
    }

    @Test("gzip-compressed requests are accepted; gzip responses when enabled")
    func gzip() async throws {
        try await withTestServer(configure: { $0.responseCompression = .gzip(minimumBytes: 16) }) { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            var options = GRPCCallOptions()
            options.compression = true
            let payload = [UInt8](String(repeating: "governance ", count: 10_000).utf8)
            #expect(try await client.unary("/test.Echo/Unary", payload, options: options).response == payload)
            #expect(try await client.unary("/test.Echo/Reverse", [1, 2], options: options).response == [2, 1])
            #expect(try await client.unary("/test.Echo/Unary", payload).response == payload)
            // Compressed request streams too.
            let collected = try await client.clientStreaming("/test.Echo/Collect", options: options) { writer in
                for _ in 0..<3 { try await writer.write(payload) }
            }
            #expect(decodeUInt32(collected) == 3)
            #expect(collected.count == 4 + 3 * payload.count)
        }
    }

    @Test("a gzip response is actually compressed on the wire")
    func gzipOnTheWire() async throws {
        try await withTestServer(configure: { $0.responseCompression = .gzip(minimumBytes: 16) }) { server in
            let raw = try await RawHTTP2Client.connect(port: server.port)
            let payload = [UInt8](String(repeating: "abc", count: 1000).utf8)
            let headers = RawHTTP2Client.grpcHeaders(
                path: "/test.Echo/Unary", extra: [HTTP2Header("grpc-accept-encoding", "gzip")])
            let response = try await raw.request(headers: headers, body: RawHTTP2Client.frame(payload))
            #expect(response.header("grpc-encoding") == "gzip")
            #expect(response.trailer("grpc-status") == "0")
            #expect(response.body.first == 1)
            #expect(response.body.count < payload.count / 4)
            await raw.close()
        }
    }

    @Test("many concurrent unary calls over one connection")
    func concurrentOneConnection() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<2000 {
                    group.addTask {
                        let request = encodeUInt32s(UInt32(index))
                        let path = index % 2 == 0 ? "/test.Echo/Unary" : "/test.Echo/OnLoop"
                        return try await client.unary(path, request).response == request
                    }
                }
                var ok = 0
                for try await result in group where result { ok += 1 }
                #expect(ok == 2000)
            }
        }
    }

    @Test("many concurrent unary calls over 8 connections")
    func concurrentEightConnections() async throws {
        try await withTestServer { server in
            var clients: [GRPCClient] = []
            for _ in 0..<8 { clients.append(try await server.client()) }
            let all = clients
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<4000 {
                    let client = all[index % all.count]
                    group.addTask {
                        let request = encodeUInt32s(UInt32(index))
                        return try await client.unary("/test.Echo/Reverse", request).response == request.reversed()
                    }
                }
                var ok = 0
                for try await result in group where result { ok += 1 }
                #expect(ok == 4000)
            }
            #expect(server.server.connectionCount == 8)
            for client in all { await client.close() }
        }
    }

    @Test("cancelling the calling task cancels a unary call")
    func cancelUnary() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            var options = GRPCCallOptions()
            options.metadata.add("x-sleep-ms", "10000")
            let task = Task {
                try await client.unary("/test.Echo/Slow", [], options: options)
            }
            #expect(await server.probe.wait(for: "slow.start"))
            task.cancel()
            let result = await task.result
            if case .failure(let error) = result {
                #expect((error as? GRPCStatus)?.code == .cancelled)
            } else {
                Issue.record("expected the call to fail")
            }
            #expect(await server.probe.wait(for: "slow.cancelled"))
        }
    }
}
