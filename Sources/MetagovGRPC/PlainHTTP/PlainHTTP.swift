import NIOCore

/// A plain (non-gRPC) HTTP request received on the gRPC port: over HTTP/1.1, or over HTTP/2 to a path the
/// ``PlainHTTPHandler`` claims. The body is complete (bounded by the server's message size limit).
public struct PlainHTTPRequest: Sendable {
    public var method: String
    /// The path with its query string, e.g. `/api/hooks/climate/inbound`.
    public var path: String
    /// Header fields in arrival order, names lower-cased.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The client's address.
    public var peer: String

    public init(method: String, path: String, headers: [(name: String, value: String)], body: [UInt8], peer: String) {
        self.method = method
        self.path = path
        self.headers = headers.map { (name: $0.name.lowercased(), value: $0.value) }
        self.body = body
        self.peer = peer
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return self.headers.first { $0.name == lower }?.value
    }
}

/// The answer to a ``PlainHTTPRequest``.
public struct PlainHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response.
    public static func json(_ status: Int, _ text: String) -> PlainHTTPResponse {
        PlainHTTPResponse(status: status, headers: [("content-type", "application/json")], body: Array(text.utf8))
    }

    /// A text response.
    public static func text(_ status: Int, _ text: String) -> PlainHTTPResponse {
        PlainHTTPResponse(status: status, headers: [("content-type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }
}

/// Serves plain HTTP next to gRPC on the same port (webhooks from platforms, health checks of load
/// balancers). Requests over HTTP/1.1 all come here; over HTTP/2 only those whose path it `handles` and
/// whose content type is not gRPC.
public protocol PlainHTTPHandler: Sendable {
    /// Whether an HTTP/2 request to `path` is plain HTTP for this handler.
    func handles(path: String) -> Bool
    /// Answers a request (runs as a task, never on the event loop).
    func handle(_ request: PlainHTTPRequest) async -> PlainHTTPResponse
}
