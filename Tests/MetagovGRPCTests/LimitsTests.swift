import MetagovGRPC
import MetagovHTTP2
import NIOCore
import NIOPosix
import Testing

/// Every bound the server puts on a connection, each tried by a client that breaks it: the abusive stream or
/// connection is refused with the right code, and the server goes on serving.
@Suite("Bounds on connections and streams")
struct LimitsTests {
    @Test("a header list over the advertised limit resets the stream (ENHANCE_YOUR_CALM) and never reaches a handler")
    func headerListLimit() async throws {
        try await withTestServer(configure: { $0.maxHeaderListSize = 4096 }) { server in
            let raw = try await RawHTTP2Client.connect(port: server.port)
            let big = RawHTTP2Client.grpcHeaders(
                path: "/test.Echo/Slow", extra: [HTTP2Header("x-big", String(repeating: "a", count: 8192))])
            let refused = try await raw.request(headers: big, body: RawHTTP2Client.frame([1]))
            #expect(refused.resetCode == .enhanceYourCalm)
            // An HPACK bomb: a 3 KB block (one 3000-byte value in the dynamic table, then referenced 300 times)
            // that decodes to about 900 KB.
            let bomber = try await RawFrameClient.connect(port: server.port)
            try await bomber.send(RawFrameClient.grpcRequest(
                stream: 1, path: "/test.Echo/Slow", endStream: true,
                more: RawFrameClient.hpackBomb(name: "x-bomb", value: String(repeating: "b", count: 3000), repeats: 300)))
            let bombed = await bomber.waitForFrame { $0.type == RawFrameClient.rstStream && $0.stream == 1 }
            #expect(bombed?.errorCode == .enhanceYourCalm)
            // HPACK stays in sync: the next request on that connection, referring to the same table, is served.
            try await bomber.send(RawFrameClient.grpcRequest(stream: 3, path: "/test.Echo/Unary", endStream: false, more: [0x80 | 62])
                + RawFrameClient.frame(RawFrameClient.data, flags: 1, stream: 3, RawHTTP2Client.frame([2])))
            #expect(await bomber.waitForFrame { $0.type == RawFrameClient.headers && $0.stream == 3 && $0.flags & 1 == 1 } != nil)
            #expect(!bomber.received.contains { $0.type == RawFrameClient.goAway })
            await bomber.close()
            #expect(server.probe.count("slow.start") == 0)
            // The same connection still serves calls within the limit.
            let fine = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(path: "/test.Echo/Unary"), body: RawHTTP2Client.frame([7]))
            #expect(fine.messages == [[7]])
            await raw.close()
        }
    }

    @Test("streams beyond MAX_CONCURRENT_STREAMS are refused one by one (REFUSED_STREAM); the connection goes on")
    func refusedStream() async throws {
        try await withTestServer(configure: { $0.maxConcurrentStreams = 1 }) { server in
            let raw = try await RawFrameClient.connect(port: server.port)
            let settings = await raw.waitForFrame { $0.type == RawFrameClient.settings && $0.flags & 1 == 0 }
            // The peer is told the real limit.
            #expect(settings?.payload == [0, 3] + encodeUInt32s(1) + (settings.map { Array($0.payload.dropFirst(6)) } ?? []))
            try await raw.send(
                RawFrameClient.grpcRequest(stream: 1, path: "/test.Echo/Slow", endStream: false, extra: [("x-sleep-ms", "3000")]))
            try await raw.send(RawFrameClient.grpcRequest(stream: 3, path: "/test.Echo/Unary", endStream: false))
            let reset = await raw.waitForFrame { $0.type == RawFrameClient.rstStream && $0.stream == 3 }
            #expect(reset?.errorCode == .refusedStream)
            #expect(!raw.received.contains { $0.type == RawFrameClient.goAway })
            // Stream 1 is still served: its request completes and gets its answer.
            try await raw.send(RawFrameClient.frame(RawFrameClient.data, flags: 1, stream: 1, RawHTTP2Client.frame([5])))
            let answered = await raw.waitForFrame { $0.type == RawFrameClient.headers && $0.stream == 1 && $0.flags & 1 == 1 }
            #expect(answered != nil)
            #expect(!raw.isClosed)
            await raw.close()
        }
    }

    @Test("DATA after END_STREAM is a stream error (STREAM_CLOSED), not a connection error")
    func dataAfterEndStream() async throws {
        try await withTestServer { server in
            let raw = try await RawFrameClient.connect(port: server.port)
            try await raw.send(
                // The handler must be ended by the reset, however busy the machine: it would sleep two minutes.
                RawFrameClient.grpcRequest(stream: 1, path: "/test.Echo/Slow", endStream: false, extra: [("x-sleep-ms", "120000")])
                    + RawFrameClient.frame(RawFrameClient.data, flags: 1, stream: 1, RawHTTP2Client.frame([1]))
                    + RawFrameClient.frame(RawFrameClient.data, flags: 0, stream: 1, [1, 2, 3]))
            let reset = await raw.waitForFrame { $0.type == RawFrameClient.rstStream && $0.stream == 1 }
            #expect(reset?.errorCode == .streamClosed)
            #expect(await server.probe.wait(for: "slow.cancelled"))
            // The connection still serves a new stream.
            try await raw.send(
                RawFrameClient.grpcRequest(stream: 3, path: "/test.Echo/Unary", endStream: false)
                    + RawFrameClient.frame(RawFrameClient.data, flags: 1, stream: 3, RawHTTP2Client.frame([9])))
            let answered = await raw.waitForFrame { $0.type == RawFrameClient.headers && $0.stream == 3 && $0.flags & 1 == 1 }
            #expect(answered != nil)
            #expect(!raw.received.contains { $0.type == RawFrameClient.goAway })
            await raw.close()
        }
    }

    @Test("PINGs more often than allowed end the connection: GOAWAY ENHANCE_YOUR_CALM too_many_pings")
    func pingFlood() async throws {
        try await withTestServer(configure: {
            $0.minClientPingInterval = .seconds(60)
            $0.maxPingStrikes = 2
        }) { server in
            let raw = try await RawFrameClient.connect(port: server.port)
            for index in 0..<4 {
                try await raw.send(RawFrameClient.frame(RawFrameClient.ping, flags: 0, stream: 0, encodeUInt32s(0, UInt32(index))))
            }
            let goAway = await raw.waitForFrame { $0.type == RawFrameClient.goAway }
            #expect(goAway?.errorCode == .enhanceYourCalm)
            #expect(goAway?.debugData == "too_many_pings")
            #expect(await raw.waitForClose())
            // Acknowledged before that: three (the third early one is the strike too many).
            #expect(raw.received.filter { $0.type == RawFrameClient.ping && $0.flags & 1 == 1 }.count >= 2)
            let client = try await server.client()
            #expect(try await client.unary("/test.Echo/Unary", [1]).response == [1])
            await client.close()
        }
    }

    @Test("a connection that sends nothing, or half a preface, is closed after the handshake timeout")
    func handshakeTimeout() async throws {
        try await withTestServer(configure: { $0.handshakeTimeout = .seconds(2) }) { server in
            let client = try await server.client()
            let silent = try await RawFrameClient.connect(port: server.port, preface: false)
            let partial = try await RawFrameClient.connect(port: server.port, preface: false)
            try? await partial.send(Array("PRI * HTTP/2.0\r\n".utf8))
            #expect(await silent.waitForClose())
            #expect(await partial.waitForClose())
            #expect(server.server.handshakeTimeoutCount == 2)
            // A client that completed its handshake is not affected.
            #expect(try await client.unary("/test.Echo/Unary", [3]).response == [3])
            await client.close()
        }
    }

    @Test("connections beyond maxConnections are closed on arrival; the others keep being served")
    func maxConnections() async throws {
        try await withTestServer(configure: { $0.maxConnections = 2 }) { server in
            let first = try await server.client()
            let second = try await server.client()
            #expect(try await first.unary("/test.Echo/Unary", [1]).response == [1])
            let third = try await RawFrameClient.connect(port: server.port, preface: false)
            #expect(await third.waitForClose())
            #expect(server.server.refusedConnectionCount == 1)
            #expect(try await second.unary("/test.Echo/Unary", [2]).response == [2])
            await first.close()
            // A slot is free again once a connection has gone.
            var served = false
            for _ in 0..<200 where !served {
                if let fresh = try? await server.client() {
                    served = (try? await fresh.unary("/test.Echo/Unary", [4]).response) == [4]
                    await fresh.close()
                }
                if !served { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(served)
            await second.close()
        }
    }

    @Test("an idle connection gets GOAWAY and is closed; one with a call in progress is not")
    func idleConnection() async throws {
        try await withTestServer(configure: { $0.maxConnectionIdle = .milliseconds(500) }) { server in
            let idle = try await RawFrameClient.connect(port: server.port)
            // A call longer than the idle limit, sent with the preface, completes.
            let busy = try await RawFrameClient.connect(
                port: server.port,
                initial: RawFrameClient.grpcRequest(stream: 1, path: "/test.Echo/Slow", endStream: false, extra: [("x-sleep-ms", "1500")])
                    + RawFrameClient.frame(RawFrameClient.data, flags: 1, stream: 1, RawHTTP2Client.frame([8])))
            let goAway = await idle.waitForFrame { $0.type == RawFrameClient.goAway }
            #expect(goAway?.errorCode == HTTP2ErrorCode.noError)
            #expect(await idle.waitForClose())
            let answered = await busy.waitForFrame { $0.type == RawFrameClient.headers && $0.stream == 1 && $0.flags & 1 == 1 }
            #expect(answered != nil)
            #expect(server.probe.count("slow.done") == 1)
            // Idle again afterwards: GOAWAY too.
            #expect(await busy.waitForFrame { $0.type == RawFrameClient.goAway } != nil)
            await busy.close()
        }
    }

    @Test("max connection age: GOAWAY, then after the grace period the connection closes under a running call")
    func connectionAge() async throws {
        try await withTestServer(configure: {
            $0.maxConnectionAge = .seconds(3)
            $0.maxConnectionAgeGrace = .seconds(1)
        }) { server in
            let raw = try await RawFrameClient.connect(
                port: server.port,
                initial: RawFrameClient.grpcRequest(stream: 1, path: "/test.Echo/Slow", endStream: false, extra: [("x-sleep-ms", "120000")])
                    + RawFrameClient.frame(RawFrameClient.data, flags: 1, stream: 1, RawHTTP2Client.frame([1])))
            #expect(await server.probe.wait(for: "slow.start"))
            #expect(await raw.waitForFrame { $0.type == RawFrameClient.goAway } != nil)
            #expect(await raw.waitForClose())
            #expect(await server.probe.wait(for: "slow.cancelled"))
            #expect(server.probe.count("slow.done") == 0)
        }
    }

    @Test("keepalive: a client that does not answer the server's PING is disconnected")
    func keepalive() async throws {
        try await withTestServer(configure: {
            $0.keepaliveTime = .seconds(1)
            $0.keepaliveTimeout = .seconds(1)
        }) { server in
            let client = try await server.client()
            let raw = try await RawFrameClient.connect(port: server.port)
            let ping = await raw.waitForFrame { $0.type == RawFrameClient.ping && $0.flags & 1 == 0 }
            #expect(ping != nil)
            #expect(await raw.waitForClose())
            // A client that answers (ours: nghttp2 acknowledges PINGs) stays connected past several rounds.
            #expect(try await client.unary("/test.Echo/Unary", [5]).response == [5])
            try await Task.sleep(for: .seconds(3))
            #expect(try await client.unary("/test.Echo/Unary", [6]).response == [6])
            await client.close()
        }
    }

    @Test("status messages are cut so the trailers always fit; oversized trailing metadata is left out")
    func boundedTrailers() async throws {
        try await withTestServer { server in
            let client = try await server.client()
            let echoed = String(repeating: "é", count: 70_000)
            let status = await expectStatus(.invalidArgument) {
                var options = GRPCCallOptions()
                options.metadata.add("x-code", "3")
                _ = try await client.unary("/test.Echo/Fail", Array(echoed.utf8), options: options)
            }
            #expect((status?.message.utf8.count ?? .max) <= 1024)
            #expect(status?.message.hasPrefix("éé") == true)
            #expect(status?.message.hasSuffix("(truncated)") == true)
            // The same on the event loop (trailers-only response).
            await expectStatus(.notFound) { _ = try await client.unary("/test.Echo/FailOnLoop", Array(echoed.utf8)) }
            await client.close()
        }
    }

    @Test("message size limits at or above 4 GiB are refused at start")
    func messageSizeCeiling() async throws {
        var configuration = GRPCServerConfiguration()
        configuration.port = 0
        configuration.maxReceiveMessageSize = 1 << 32
        let server = GRPCServer(configuration: configuration, methods: MethodTable())
        await #expect(throws: GRPCStatus.self) { _ = try await server.start() }
        configuration.maxReceiveMessageSize = GRPCServerConfiguration.messageSizeCeiling
        configuration.maxSendMessageSize = GRPCServerConfiguration.messageSizeCeiling + 1
        await #expect(throws: GRPCStatus.self) { _ = try await GRPCServer(configuration: configuration, methods: MethodTable()).start() }
    }

    @Test("header values with leading or trailing whitespace are accepted and reach handlers trimmed")
    func trimmedValues() async throws {
        try await withTestServer { server in
            let raw = try await RawHTTP2Client.connect(port: server.port)
            let response = try await raw.request(
                headers: RawHTTP2Client.grpcHeaders(path: "/test.Echo/Metadata", extra: [HTTP2Header("x-text", "  padded \t")]),
                body: RawHTTP2Client.frame([]))
            #expect(response.resetCode == nil)
            #expect(response.header("x-echo-text") == "padded")
            #expect(response.trailer("grpc-status") == "0")
            await raw.close()
        }
    }
}
