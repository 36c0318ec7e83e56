import Foundation
import MetagovJSON

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
    private var server: LocalHTTPServer?
    private(set) var port = 0

    var url: String { "http://127.0.0.1:\(port)" }

    func start() throws {
        let server = try LocalHTTPServer { [weak self] request, reply in
            guard let self else { return reply(503, [], nil) }
            answer(method: request.method, uri: request.uri, headers: request.headers, body: request.body) { status, json in
                reply(status, Array(json.serialized().utf8), "application/json")
            }
        }
        self.server = server
        port = server.port
    }

    func stop() {
        release()
        server?.stop()
        server = nil
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
    private func answer(method: String, uri: String, headers: [String: String], body: [UInt8], reply: @escaping @Sendable (Int, JSONValue) -> Void) {
        let parts = uri.split(separator: "?", maxSplits: 1).map(String.init)
        let path = parts.first ?? uri
        let json = (try? JSONValue(parsing: body)) ?? .null
        lock.withLock { calls.append(Call(method: method, path: path, body: json)) }
        guard headers["authorization"] == "Token \(Self.apiKey)" else { return reply(401, ["error": "bad key"]) }
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
}
