import MetagovHTTP2
import NIOCore
import NIOPosix
import Synchronization

/// A client that writes HTTP/2 frames by hand over TCP, for what no well-behaved client does (more streams
/// than allowed, DATA after END_STREAM, PING floods, silence), and reads back the frames the server sends.
/// Header blocks use HPACK literals without indexing (no dynamic table).
final class RawFrameClient: Sendable {
    struct Frame: Sendable, CustomStringConvertible {
        var type: UInt8
        var flags: UInt8
        var stream: UInt32
        var payload: [UInt8]

        /// The error code of RST_STREAM or GOAWAY.
        var errorCode: HTTP2ErrorCode? {
            switch self.type {
            case 3 where self.payload.count >= 4: return HTTP2ErrorCode(decodeUInt32(self.payload, at: 0))
            case 7 where self.payload.count >= 8: return HTTP2ErrorCode(decodeUInt32(self.payload, at: 4))
            default: return nil
            }
        }

        /// GOAWAY debug data.
        var debugData: String { self.type == 7 && self.payload.count > 8 ? Array(self.payload[8...]).string : "" }

        var description: String { "frame(type \(self.type), flags \(self.flags), stream \(self.stream), \(self.payload.count) B)" }
    }

    static let data: UInt8 = 0, headers: UInt8 = 1, rstStream: UInt8 = 3, settings: UInt8 = 4, ping: UInt8 = 6,
        goAway: UInt8 = 7

    /// The frames received, and whether the server closed the connection.
    private final class FrameLog: Sendable {
        let state = Mutex<(received: [Frame], closed: Bool)>(([], false))
    }

    private let channel: any Channel
    private let log: FrameLog

    private init(channel: any Channel, log: FrameLog) {
        self.channel = channel
        self.log = log
    }

    private final class Reader: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var buffer = ByteBuffer()
        let sink: @Sendable (Frame?) -> Void
        /// Written as soon as the connection is up, from the event loop.
        let greeting: [UInt8]

        init(sink: @escaping @Sendable (Frame?) -> Void, greeting: [UInt8]) {
            self.sink = sink
            self.greeting = greeting
        }

        func channelActive(context: ChannelHandlerContext) {
            if !greeting.isEmpty { context.writeAndFlush(NIOAny(ByteBuffer(bytes: greeting)), promise: nil) }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var incoming = self.unwrapInboundIn(data)
            self.buffer.writeBuffer(&incoming)
            while self.buffer.readableBytes >= 9, let length = self.buffer.getInteger(at: self.buffer.readerIndex, as: UInt32.self) {
                let size = Int(length >> 8)
                guard self.buffer.readableBytes >= 9 + size,
                    let header = self.buffer.readBytes(length: 9), let payload = self.buffer.readBytes(length: size)
                else { return }
                self.sink(Frame(type: header[3], flags: header[4], stream: decodeUInt32(header, at: 5) & 0x7fff_ffff, payload: payload))
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.sink(nil)
        }
    }

    /// Connects and, unless `preface` is false, sends the client preface and an empty SETTINGS frame, then
    /// `initial` in the same write (so frames can arrive with the preface, in one read). They are written by the
    /// event loop the moment the connection is up: a test whose tasks wait for a busy machine's threads does not
    /// send its preface late (servers with short timeouts would close the connection first).
    static func connect(port: Int, preface: Bool = true, initial: [UInt8] = []) async throws -> RawFrameClient {
        let log = FrameLog()
        let sink: @Sendable (Frame?) -> Void = { frame in
            log.state.withLock { state in
                if let frame { state.received.append(frame) } else { state.closed = true }
            }
        }
        let greeting = preface
            ? Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + Self.frame(Self.settings, flags: 0, stream: 0, []) + initial : []
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Reader(sink: sink, greeting: greeting))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawFrameClient(channel: channel, log: log)
    }

    static func frame(_ type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags]
            + encodeUInt32s(stream & 0x7fff_ffff) + payload
    }

    /// An HPACK integer with an `n`-bit prefix (RFC 7541 §5.1), the prefix's other bits set from `flags`.
    static func hpackInteger(_ value: Int, prefixBits n: Int, flags: UInt8 = 0) -> [UInt8] {
        let limit = (1 << n) - 1
        if value < limit { return [flags | UInt8(value)] }
        var bytes = [flags | UInt8(limit)]
        var rest = value - limit
        while rest >= 128 {
            bytes.append(UInt8(rest % 128 + 128))
            rest /= 128
        }
        return bytes + [UInt8(rest)]
    }

    /// An HPACK string literal (no Huffman coding).
    static func hpackString(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        return hpackInteger(bytes.count, prefixBits: 7) + bytes
    }

    /// A header block of HPACK literals without indexing.
    static func headerBlock(_ headers: [(String, String)]) -> [UInt8] {
        headers.flatMap { [0x00] + hpackString($0.0) + hpackString($0.1) }
    }

    /// An HPACK bomb: `value` added to the dynamic table once, then referenced `repeats` times: a block of
    /// about `value` bytes that decodes to `repeats` × `value`.
    static func hpackBomb(name: String, value: String, repeats: Int) -> [UInt8] {
        [0x40] + hpackString(name) + hpackString(value) + Array(repeating: 0x80 | 62, count: repeats)
    }

    /// HEADERS (END_HEADERS) for a gRPC request to `path`, with `more` appended to the header block.
    static func grpcRequest(
        stream: UInt32, path: String, endStream: Bool, extra: [(String, String)] = [], more: [UInt8] = []
    ) -> [UInt8] {
        let block = headerBlock([
            (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "localhost"),
            ("content-type", "application/grpc"), ("te", "trailers"),
        ] + extra)
        return frame(headers, flags: 0x4 | (endStream ? 0x1 : 0), stream: stream, block + more)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Waits (at most `limit`, then fails by returning nil) for a frame matching `predicate`.
    func waitForFrame(timeLimit: Duration = .seconds(120), _ predicate: @escaping @Sendable (Frame) -> Bool) async -> Frame? {
        let deadline = ContinuousClock.now + timeLimit
        while ContinuousClock.now < deadline {
            if let frame = self.log.state.withLock({ $0.received.first(where: predicate) }) { return frame }
            if self.isClosed { return self.log.state.withLock { $0.received.first(where: predicate) } }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Waits (at most `timeLimit`) until the server has closed the connection; returns whether it did.
    func waitForClose(timeLimit: Duration = .seconds(120)) async -> Bool {
        let deadline = ContinuousClock.now + timeLimit
        while ContinuousClock.now < deadline {
            if self.isClosed { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return self.isClosed
    }

    var isClosed: Bool { self.log.state.withLock { $0.closed } }

    var received: [Frame] { self.log.state.withLock { $0.received } }

    func close() async {
        try? await self.channel.close()
    }
}
