import NIOCore
import Synchronization

/// Optional gzip compression of responses.
public struct GRPCResponseCompression: Sendable, Hashable {
    var enabled: Bool
    var minimumBytes: Int

    /// Never compress responses (the default).
    public static let disabled = GRPCResponseCompression(enabled: false, minimumBytes: 0)

    /// Compress responses of at least `minimumBytes` when the client advertises gzip in
    /// `grpc-accept-encoding`.
    public static func gzip(minimumBytes: Int = 1024) -> GRPCResponseCompression {
        GRPCResponseCompression(enabled: true, minimumBytes: max(0, minimumBytes))
    }
}
