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
