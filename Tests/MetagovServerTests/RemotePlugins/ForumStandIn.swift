import Foundation
import MetagovJSON
import NIOCore
import NIOHTTP1
import NIOPosix

/// A stand-in for the forum platform the `townhall` test plugin calls (the platform a plugin host talks to):
/// a local HTTP/1.1 server that records every call and answers like the forum's API — `POST /messages`,
/// `GET /messages?since=ID`, `POST /polls`, `POST /polls/ID/close` — with 401 for a wrong API key. Posts can
/// be held until the test releases them.
final class ForumStandIn: @unchecked Sendable {
    static let apiKey = "forum-key"

    struct Call: Sendable {
        var method: String
        var path: String
        var body: JSONValue
    }

    private let lock = NSLock()
    private var calls: [Call] = []
    private var messages: [JSONValue] = []
    private var polls = 0
    private var holding = false
    private var held: [@Sendable () -> Void] = []
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: (any Channel)?
    private(set) var port = 0

    var url: String { "http://127.0.0.1:\(port)" }

    func start() throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(forum: self))
                }
            }
        let channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    func stop() {
        release()
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// Every call received, in order.
    var received: [Call] { lock.withLock { calls } }

    /// Posts are answered only once ``release()`` is called.
    func holdPosts() { lock.withLock { holding = true } }

    /// Answers the held posts and stops holding.
    func release() {
        let answers = lock.withLock { () -> [@Sendable () -> Void] in
            holding = false
            defer { held = [] }
            return held
        }
        for answer in answers { answer() }
    }

    /// How many posts wait to be answered.
    var heldPosts: Int { lock.withLock { held.count } }

    /// Adds a message as if someone posted it on the forum (the plugin's periodic task picks it up).
    func addMessage(author: String, text: String) {
        lock.withLock {
            messages.append(["id": .integer(messages.count + 1), "author": .string(author), "text": .string(text), "topic": "general"])
        }
    }

    /// The answer to a call (status and JSON), or `nil` to hold it.
    fileprivate func answer(method: String, uri: String, headers: HTTPHeaders, body: [UInt8], reply: @escaping @Sendable (Int, JSONValue) -> Void) {
        let parts = uri.split(separator: "?", maxSplits: 1).map(String.init)
        let path = parts.first ?? uri
        let json = (try? JSONValue(parsing: body)) ?? .null
        lock.withLock { calls.append(Call(method: method, path: path, body: json)) }
        guard headers.first(name: "authorization") == "Token \(Self.apiKey)" else { return reply(401, ["error": "bad key"]) }
        switch (method, path) {
        case ("POST", "/messages"):
            let post: @Sendable () -> Void = { [self] in
                let message = lock.withLock { () -> JSONValue in
                    var fields = json.objectValue ?? [:]
                    fields["id"] = .integer(messages.count + 1)
                    fields["author"] = "bot"
                    fields["url"] = .string("\(url)/m/\(messages.count + 1)")
                    let message = JSONValue.object(fields)
                    messages.append(message)
                    return message
                }
                reply(200, message)
            }
            let hold = lock.withLock { () -> Bool in
                if holding { held.append(post) }
                return holding
            }
            if !hold { post() }
        case ("GET", "/messages"):
            let since = Int(parts.count > 1 ? parts[1].replacingOccurrences(of: "since=", with: "") : "0") ?? 0
            reply(200, .array(lock.withLock { messages.filter { ($0["id"]?.intValue ?? 0) > since } }))
        case ("POST", "/polls"):
            let number = lock.withLock { () -> Int in
                polls += 1
                return polls
            }
            reply(200, ["id": .string("poll-\(number)"), "url": .string("\(url)/polls/\(number)")])
        case ("POST", _) where path.hasPrefix("/polls/") && path.hasSuffix("/close"):
            reply(200, [:])
        default:
            reply(404, ["error": "not found"])
        }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        weak var forum: ForumStandIn?
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(forum: ForumStandIn) { self.forum = forum }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var chunk):
                body += chunk.readBytes(length: chunk.readableBytes) ?? []
            case .end:
                guard let head, let forum else { return }
                let loop = context.eventLoop
                let bound = NIOLoopBound((self, context), eventLoop: loop)
                forum.answer(method: head.method.rawValue, uri: head.uri, headers: head.headers, body: body) { status, json in
                    loop.execute {
                        let (handler, context) = bound.value
                        handler.respond(context, version: head.version, status: status, json: json)
                    }
                }
            }
        }

        private func respond(_ context: ChannelHandlerContext, version: HTTPVersion, status: Int, json: JSONValue) {
            let data = Array(json.serialized(sortedKeys: true).utf8)
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: "application/json")
            headers.add(name: "content-length", value: String(data.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(
                version: version, status: HTTPResponseStatus(statusCode: status), headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: data)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
