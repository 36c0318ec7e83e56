import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A local HTTP/1.1 server on a free loopback port for tests that stand in for a platform or a driver's
/// endpoint: every request is handed to `respond` with a reply function, which may be called later (from any
/// thread) to answer.
final class LocalHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        /// The request target, with its query string.
        var uri: String
        /// Header fields, names lowercased (a repeated name keeps its last value).
        var headers: [String: String]
        var body: [UInt8]
    }

    /// Answers a request: status, body, and the body's content type (`nil`: none).
    typealias Reply = @Sendable (_ status: Int, _ body: [UInt8], _ contentType: String?) -> Void

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: any Channel
    let port: Int

    init(respond: @escaping @Sendable (Request, @escaping Reply) -> Void) throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(respond: respond))
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
    }

    /// Stops listening and shuts the event loop down (call from a test, never from an event loop).
    func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let respond: @Sendable (Request, @escaping Reply) -> Void
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(respond: @escaping @Sendable (Request, @escaping Reply) -> Void) { self.respond = respond }

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
                let loop = context.eventLoop
                let bound = NIOLoopBound((self, context), eventLoop: loop)
                respond(Request(method: head.method.rawValue, uri: head.uri, headers: headers, body: body)) { status, data, type in
                    loop.execute {
                        let (handler, context) = bound.value
                        handler.write(context, version: head.version, status: status, body: data, contentType: type)
                    }
                }
            }
        }

        private func write(_ context: ChannelHandlerContext, version: HTTPVersion, status: Int, body: [UInt8], contentType: String?) {
            var headers = HTTPHeaders()
            if let contentType { headers.add(name: "content-type", value: contentType) }
            headers.add(name: "content-length", value: String(body.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(
                version: version, status: HTTPResponseStatus(statusCode: status), headers: headers))), promise: nil)
            if !body.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil) }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
