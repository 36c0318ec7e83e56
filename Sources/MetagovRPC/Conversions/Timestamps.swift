import Foundation
import MetagovProto

extension Google_Protobuf_Timestamp {
    init(_ date: Date) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let nanos = ((date.timeIntervalSince1970 - seconds) * 1_000_000_000).rounded()
        self.init(seconds: Int64(seconds), nanos: Int32(min(nanos, 999_999_999)))
    }
}
