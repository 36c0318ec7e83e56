import NIOCore
import Synchronization

/// What a handler knows about its call.
public struct ServerCallContext: Sendable {
    /// The method path, e.g. `/metagov.v1.Actions/PerformAction`.
    public let path: String
    /// The request's custom metadata (reserved headers excluded; `-bin` values decoded).
    public let metadata: GRPCMetadata
    /// When the call times out (from the client's `grpc-timeout`), if it has a deadline.
    public let deadline: ContinuousClock.Instant?
    /// The client's address, e.g. `ipv4:127.0.0.1:53412`.
    public let peer: String
    /// The client certificate verified during the TLS handshake (DER), when the client presented one (mTLS).
    public let peerCertificate: [UInt8]?

    let call: ServerCall?

    init(
        path: String, metadata: GRPCMetadata, deadline: ContinuousClock.Instant?, peer: String,
        peerCertificate: [UInt8]? = nil, call: ServerCall?
    ) {
        self.path = path
        self.metadata = metadata
        self.deadline = deadline
        self.peer = peer
        self.peerCertificate = peerCertificate
        self.call = call
    }

    /// Sets the metadata sent with the response headers. Only effective before the first
    /// response message is written (or the call completes).
    public func setResponseMetadata(_ m: GRPCMetadata) {
        self.call?.setResponseMetadata(m)
    }

    /// Sends the response headers (with the response metadata set so far) now instead of with the first
    /// message: a client waiting for them on a quiet stream learns at once that the call was accepted.
    public func sendResponseHeaders() {
        self.call?.sendResponseHeaders()
    }

    /// Names who is calling (a user, a token name), for the server's observer (logs).
    public func setPrincipal(_ principal: String) {
        self.call?.setPrincipal(principal)
    }

    /// Sets the metadata sent in the trailers, together with the status.
    public func setTrailingMetadata(_ m: GRPCMetadata) {
        self.call?.setTrailingMetadata(m)
    }

    /// Whether the call has already ended (cancelled by the client, deadline, or completed).
    public var isCallEnded: Bool {
        self.call?.isEnded ?? false
    }
}
