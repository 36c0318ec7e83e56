import MetagovGRPC
import Testing

@Suite("Streaming calls")
struct StreamingTests {
    @Test("server streaming delivers all messages in order")
    func serverStreaming() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            var received: [UInt32] = []
            for try await message in client.serverStreaming("/test.Echo/Count", encodeUInt32s(500, 100)) {
                #expect(message.count == 100)
                received.append(decodeUInt32(message))
            }
            #expect(received == Array(0..<500))
            #expect(await server.probe.wait(for: "count.done"))
        }
    }

    @Test("server streaming with zero messages ends cleanly")
    func emptyServerStream() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            var count = 0
            for try await _ in client.serverStreaming("/test.Echo/Count", encodeUInt32s(0, 10)) { count += 1 }
            #expect(count == 0)
        }
    }

    @Test("10k messages to a slow consumer: the server's buffered bytes stay bounded")
    func slowConsumerBackPressure() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let messageSize: UInt32 = 1024
            var received = 0
            var expected: UInt32 = 0
            var inOrder = true
            for try await message in client.serverStreaming("/test.Echo/Count", encodeUInt32s(10_000, messageSize)) {
                if decodeUInt32(message) != expected { inOrder = false }
                expected += 1
                received += 1
                if received % 250 == 0 {
                    // Slow consumer: the stream and connection windows fill up meanwhile.
                    try await Task.sleep(for: .milliseconds(20))
                    #expect(server.server.bufferedResponseBytes <= 128 * 1024)
                }
            }
            #expect(received == 10_000)
            #expect(inOrder)
            let peak = server.server.peakBufferedResponseBytes
            // Per-call bound is 64 KiB (+ the message that crossed it); ~10 MB went through.
            #expect(peak <= 64 * 1024 + Int(messageSize) + 5)
            #expect(peak > 0)
        }
    }

    @Test("withheld flow-control credit is returned when streams end (no connection window leak)")
    func noConnectionWindowLeak() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            // Each call sends ~870 KB (fits the 1 MiB stream window, exceeds the client's 256 KiB
            // buffer); the consumer starts late, so the client withholds ~600 KB of credit when the
            // server finishes. 30 calls > the 16 MiB connection window.
            for _ in 0..<30 {
                let stream = client.serverStreaming("/test.Echo/Count", encodeUInt32s(850, 1024))
                try await Task.sleep(for: .milliseconds(30))
                var count = 0
                for try await _ in stream { count += 1 }
                #expect(count == 850)
            }
        }
    }

    @Test("client streams reset while the server withholds credit do not leak the window")
    func noServerWindowLeak() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let chunk = [UInt8](repeating: 1, count: 64 * 1024)
            for _ in 0..<24 {
                // The handler never reads; ~1 MB of requests get buffered/withheld, then we cancel.
                let task = Task {
                    try await client.clientStreaming("/test.Echo/Ignore") { writer in
                        for _ in 0..<16 { try await writer.write(chunk) }
                        try await Task.sleep(for: .seconds(30))
                    }
                }
                try await Task.sleep(for: .milliseconds(40))
                task.cancel()
                _ = await task.result
            }
            #expect(try await client.unary("/test.Echo/Unary", [1]).response == [1])
            // A large call still gets through on the same connection.
            let response = try await client.clientStreaming("/test.Echo/SlowSum") { writer in
                for _ in 0..<64 { try await writer.write(chunk) }
            }
            #expect(decodeUInt32(response, at: 0) == 64)
        }
    }

    @Test("cancelling the consumer of a server stream cancels the handler (RST_STREAM)")
    func cancelServerStream() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let started = Probe()
            let task = Task {
                var count = 0
                for try await _ in client.serverStreaming("/test.Echo/Infinite", []) {
                    count += 1
                    if count == 5 { started.hit("five") }
                }
                return count
            }
            #expect(await started.wait(for: "five"))
            task.cancel()
            _ = await task.result
            #expect(await server.probe.wait(for: "infinite.cancelled"))
            // The buffered response bytes of the cancelled call are released.
            let deadline = ContinuousClock.now + .seconds(60)
            while server.server.bufferedResponseBytes > 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(server.server.bufferedResponseBytes == 0)
            #expect(try await client.unary("/test.Echo/Unary", [1]).response == [1])
        }
    }

    @Test("dropping a server stream without cancelling also cancels the handler")
    func dropServerStream() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            var count = 0
            for try await _ in client.serverStreaming("/test.Echo/Infinite", []) {
                count += 1
                if count == 3 { break }
            }
            #expect(await server.probe.wait(for: "infinite.cancelled"))
        }
    }

    @Test("server stream with a deadline → DEADLINE_EXCEEDED after some messages")
    func serverStreamDeadline() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            var options = GRPCCallOptions()
            options.timeout = .milliseconds(500)
            var count = 0
            await expectStatus(.deadlineExceeded) {
                for try await _ in client.serverStreaming("/test.Echo/Infinite", [], options: options) {
                    count += 1
                    if count % 100 == 0 { try await Task.sleep(for: .milliseconds(10)) }
                }
            }
            // The deadline ended the stream: the endless handler was cancelled.
            #expect(await server.probe.wait(for: "infinite.cancelled"))
        }
    }

    @Test("client streaming")
    func clientStreaming() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let response = try await client.clientStreaming("/test.Echo/Collect") { writer in
                for index in 0..<100 {
                    try await writer.write([UInt8(index)])
                }
            }
            #expect(decodeUInt32(response) == 100)
            #expect(Array(response.dropFirst(4)) == (0..<100).map { UInt8($0) })
            let empty = try await client.clientStreaming("/test.Echo/Collect") { _ in }
            #expect(empty == encodeUInt32s(0))
        }
    }

    @Test("client streaming of 20 MB exercises request back-pressure")
    func clientStreamingLarge() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let chunk = [UInt8](repeating: 3, count: 64 * 1024)
            let response = try await client.clientStreaming("/test.Echo/SlowSum") { writer in
                for _ in 0..<320 { try await writer.write(chunk) }
            }
            #expect(decodeUInt32(response, at: 0) == 320)
            #expect(decodeUInt32(response, at: 4) == UInt32(320 * chunk.count))
        }
    }

    @Test("client streaming to an unknown method surfaces UNIMPLEMENTED")
    func clientStreamingUnknown() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            await expectStatus(.unimplemented) {
                _ = try await client.clientStreaming("/test.Nope/Collect") { writer in
                    for _ in 0..<10 { try await writer.write([1, 2, 3]) }
                }
            }
        }
    }

    @Test("bidirectional streaming echoes interleaved messages")
    func bidirectional() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let responses = client.bidirectional("/test.Echo/Bidi") { writer in
                for index in 0..<200 {
                    try await writer.write([UInt8(index % 256), 0, 1])
                }
            }
            var received: [[UInt8]] = []
            for try await message in responses { received.append(message) }
            #expect(received.count == 200)
            #expect(received.enumerated().allSatisfy { $0.element == [1, 0, UInt8($0.offset % 256)] })
            #expect(await server.probe.wait(for: "bidi.done"))
        }
    }

    @Test("bidirectional ping-pong: each response arrives before the next request")
    func bidirectionalPingPong() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            defer { Task { await client.close() } }
            let (signals, continuation) = AsyncStream.makeStream(of: Void.self)
            let responses = client.bidirectional("/test.Echo/Bidi") { writer in
                var iterator = signals.makeAsyncIterator()
                for index in 0..<20 {
                    try await writer.write([UInt8(index)])
                    _ = await iterator.next()
                }
            }
            var count = 0
            for try await message in responses {
                #expect(message == [UInt8(count)])
                count += 1
                continuation.yield()
            }
            #expect(count == 20)
        }
    }
}
