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
