/// Serves plain HTTP next to gRPC on the same port (webhooks from platforms, health checks of load
/// balancers). Requests over HTTP/1.1 all come here; over HTTP/2 only those whose path it `handles` and
/// whose content type is not gRPC.
public protocol PlainHTTPHandler: Sendable {
    /// Whether an HTTP/2 request to `path` is plain HTTP for this handler.
    func handles(path: String) -> Bool
    /// Answers a request (runs as a task, never on the event loop).
    func handle(_ request: PlainHTTPRequest) async -> PlainHTTPResponse
}
