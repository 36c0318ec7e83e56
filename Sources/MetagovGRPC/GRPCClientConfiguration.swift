import NIOCore
import Synchronization

/// Client settings.
public struct GRPCClientConfiguration: Sendable {
    /// Largest response message accepted; larger → RESOURCE_EXHAUSTED.
    public var maxReceiveMessageSize = 4 * 1024 * 1024
    /// Largest request message sent; larger → RESOURCE_EXHAUSTED.
    public var maxSendMessageSize = 4 * 1024 * 1024
    /// Per-stream HTTP/2 receive window.
    public var initialStreamWindowSize = 1 << 20
    /// Connection-level HTTP/2 receive window.
    public var connectionWindowSize = 16 << 20
    /// Buffered response messages per streaming call before flow-control credit is withheld.
    public var responseBufferLimit = 256 * 1024
    /// The `user-agent` header.
    public var userAgent = "metagov-grpc-swift/1.0"
    /// TLS to the server; nil: cleartext HTTP/2 (h2c with prior knowledge).
    public var tls: GRPCClientTLS? = nil

    public init() {}
}
