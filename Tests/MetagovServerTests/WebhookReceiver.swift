import Foundation

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
    private var server: LocalHTTPServer?
    private(set) var port = 0

    var url: String { "http://127.0.0.1:\(port)/hook" }

    func start() throws {
        let server = try LocalHTTPServer { [weak self] request, reply in
            let status = self?.record(Received(path: request.uri, headers: request.headers, body: request.body)) ?? 503
            reply(status, [], nil)
        }
        self.server = server
        port = server.port
    }

    /// Stops listening (call from a test, never from an event loop).
    func stop() {
        server?.stop()
        server = nil
    }

    func failNext(_ count: Int) { lock.withLock { failuresLeft = count } }
    func setFailing(_ failing: Bool) { lock.withLock { alwaysFail = failing } }
    var received: [Received] { lock.withLock { requests } }

    /// Waits until at least `count` requests arrived (at most `timeout`).
    func waitFor(_ count: Int, timeout: Duration = .seconds(120)) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = received
            if current.count >= count { return current }
            try await Task.sleep(for: .milliseconds(20))
        }
        return received
    }

    private func record(_ request: Received) -> Int {
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
}
