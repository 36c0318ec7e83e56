import MetagovHTTP2
import NIOCore
import NIOHTTP1

/// Serves HTTP/1.1 requests with a ``PlainHTTPHandler``: collects each request (up to `maxBodyBytes`, else
/// 413), answers it from a task, keeps the connection alive when the client asks to.
///
/// The first complete request ends the connection's handshake (see `HandshakeTimeoutHandler`). After each
/// response, a connection that does not deliver a whole new request within `idleTimeout` is closed, so a
/// client that stays silent or sends half a request holds the connection for a bounded time. Requests are
/// answered one at a time (NIO's pipelining handler holds back the next one), so a connection holds at most
/// one request head and body.
package final class HTTP1Server: ChannelInboundHandler {
    package typealias InboundIn = HTTPServerRequestPart
    package typealias OutboundOut = HTTPServerResponsePart

    private let handler: any PlainHTTPHandler
    private let maxBodyBytes: Int
    private let peer: String
    private let idleTimeout: TimeAmount?
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false
    private var handshakeReported = false
    private var idleTimer: Scheduled<Void>?
    /// The response that ends the connection was written: input is ignored until it is closed.
    private var closing = false
    /// How long a connection stays open for reading after its last response went out and its output was closed.
    private static let lingerAfterClosing = TimeAmount.seconds(2)

    package init(handler: any PlainHTTPHandler, maxBodyBytes: Int, peer: String, idleTimeout: TimeAmount? = nil) {
        self.handler = handler
        self.maxBodyBytes = maxBodyBytes
        self.peer = peer
        self.idleTimeout = idleTimeout
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.idleTimer?.cancel()
        self.idleTimer = nil
    }

    /// Closes the connection unless a whole request arrives within the idle timeout.
    private func armIdleTimer(context: ChannelHandlerContext) {
        guard let idleTimeout = self.idleTimeout else { return }
        self.idleTimer?.cancel()
        let channel = context.channel
        self.idleTimer = context.eventLoop.scheduleTask(in: idleTimeout) { channel.close(promise: nil) }
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.closing else { return }
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = []
            self.tooLarge = false
        case .body(var chunk):
            guard !self.tooLarge else { return }
            if self.body.count + chunk.readableBytes > self.maxBodyBytes {
                self.tooLarge = true
                self.body = []
            } else if let bytes = chunk.readBytes(length: chunk.readableBytes) {
                self.body += bytes
            }
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            self.idleTimer?.cancel()
            self.idleTimer = nil
            if !self.handshakeReported {
                self.handshakeReported = true
                context.triggerUserOutboundEvent(HandshakeCompleted(), promise: nil)
            }
            let keepAlive = head.isKeepAlive
            if self.tooLarge {
                self.write(
                    .text(413, "request body larger than \(self.maxBodyBytes) bytes\n"), version: head.version,
                    keepAlive: false, context: context)
                return
            }
            let request = PlainHTTPRequest(
                method: head.method.rawValue, path: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                body: self.body, peer: self.peer)
            self.body = []
            let handler = self.handler
            let eventLoop = context.eventLoop
            let loopBound = NIOLoopBound((self, context), eventLoop: eventLoop)
            Task {
                let response = await handler.handle(request)
                eventLoop.execute {
                    let (server, context) = loopBound.value
                    server.write(response, version: head.version, keepAlive: keepAlive, context: context)
                }
            }
        }
    }

    private func write(_ response: PlainHTTPResponse, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        headers.replaceOrAdd(name: "content-length", value: String(response.body.count))
        headers.replaceOrAdd(name: "connection", value: keepAlive ? "keep-alive" : "close")
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        if !response.body.isEmpty {
            context.write(self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let done = context.writeAndFlushPromise()
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: done)
        if !keepAlive {
            self.closing = true
            let channel = context.channel
            done.futureResult.whenComplete { _ in
                // Half-close first: the client reads the response and then the end of the stream, before anything
                // it still sends could make the kernel reset the connection (and discard the response) at the
                // full close, which follows shortly.
                channel.close(mode: .output, promise: nil)
                channel.eventLoop.scheduleTask(in: Self.lingerAfterClosing) { channel.close(promise: nil) }
            }
        } else {
            self.armIdleTimer(context: context)
        }
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Malformed HTTP/1.1: answer 400 once and close. What arrives while closing is dropped.
        if self.closing {
            if !(error is HTTPParserError) { context.close(promise: nil) }
            return
        }
        if error is HTTPParserError {
            self.write(.text(400, "malformed HTTP request\n"), version: .http1_1, keepAlive: false, context: context)
        } else {
            context.close(promise: nil)
        }
    }
}

extension ChannelHandlerContext {
    fileprivate func writeAndFlushPromise() -> EventLoopPromise<Void> { self.eventLoop.makePromise() }
}
