import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A local HTTP/1.1 server standing in for a driver's webhook endpoint: records every request and answers
/// 500 while `failing` is set (or for the next `failuresLeft` requests), else 200.
final class WebhookReceiver: @unchecked Sendable {
    struct Received: Sendable {
        var path: String
        var headers: [String: String]
        var body: [UInt8]
        var json: String { String(decoding: body, as: UTF8.self) }
    }

    private let lock = NSLock()
    private var requests: [Received] = []
    private var failuresLeft = 0
    private var alwaysFail = false
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: (any Channel)?
    private(set) var port = 0

    var url: String { "http://127.0.0.1:\(port)/hook" }

    func start(port: Int = 0) throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(receiver: self))
                }
            }
        let channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
        self.channel = channel
        self.port = channel.localAddress?.port ?? port
    }

    /// Stops listening and shuts the event loop down (call from a test, never from an event loop).
    func stop() {
        try? channel?.close().wait()
        channel = nil
        try? group.syncShutdownGracefully()
    }

    func failNext(_ count: Int) { lock.withLock { failuresLeft = count } }
    func setFailing(_ failing: Bool) { lock.withLock { alwaysFail = failing } }
    var received: [Received] { lock.withLock { requests } }

    /// Waits until at least `count` requests arrived (at most `timeout`).
    func waitFor(_ count: Int, timeout: Duration = .seconds(15)) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = received
            if current.count >= count { return current }
            try await Task.sleep(for: .milliseconds(20))
        }
        return received
    }

    fileprivate func record(_ request: Received) -> Int {
        lock.withLock {
            requests.append(request)
            if alwaysFail { return 500 }
            if failuresLeft > 0 {
                failuresLeft -= 1
                return 500
            }
            return 200
        }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        weak var receiver: WebhookReceiver?
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(receiver: WebhookReceiver) { self.receiver = receiver }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var chunk):
                body += chunk.readBytes(length: chunk.readableBytes) ?? []
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let status = receiver?.record(Received(path: head.uri, headers: headers, body: body)) ?? 503
                var responseHeaders = HTTPHeaders()
                responseHeaders.add(name: "content-length", value: "0")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(
                    version: head.version, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
