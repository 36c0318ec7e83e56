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
