import Foundation
import MetagovJSON
import MetagovProto

extension Google_Protobuf_Timestamp: JSONRepresentableMessage {
    /// The timestamp of `date` (nanosecond precision).
    public init(_ date: Date) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let nanos = ((date.timeIntervalSince1970 - seconds) * 1_000_000_000).rounded()
        self.init(seconds: Int64(seconds), nanos: Int32(min(nanos, 999_999_999)))
    }

    /// The date.
    public var date: Date { Date(timeIntervalSince1970: Double(self.seconds) + Double(self.nanos) / 1_000_000_000) }

    /// RFC 3339 in UTC, as in the proto3 JSON mapping.
    public var json: JSONValue { .string(self.date.rfc3339) }
}
