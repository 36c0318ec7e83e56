import NIOCore
import Synchronization

/// One HTTP/2 header field. Names are expected to be lowercase (HTTP/2 requires it).
public struct HTTP2Header: Sendable, Hashable {
    public var name: String
    public var value: String

    @inlinable
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension String {
    /// The value without leading and trailing spaces and tabs (RFC 9110 §5.5: they are not part of it).
    func trimmingFieldWhitespace() -> String {
        let utf8 = self.utf8
        func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        guard let first = utf8.first, let last = utf8.last, isWhitespace(first) || isWhitespace(last) else {
            return self
        }
        let trimmed = utf8.drop(while: isWhitespace).reversed().drop(while: isWhitespace).reversed()
        return String(decoding: Array(trimmed), as: UTF8.self)
    }
}
