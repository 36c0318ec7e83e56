/// TLS for a ``GRPCServer``: TLS 1.2 and 1.3, ALPN `h2` and `http/1.1` on the same port (HTTP/2 and HTTP/1.1
/// are told apart after the handshake exactly as in cleartext), certificates read from PEM files.
public struct GRPCTLSConfiguration: Sendable, Hashable {
    /// PEM file with the server's certificate chain (leaf first).
    public var certificateChainPath: String
    /// PEM file with the server's private key.
    public var privateKeyPath: String
    /// PEM file with the certificate authorities client certificates must chain to (mTLS); nil: client
    /// certificates are not asked for.
    public var clientCAPath: String?
    /// With `clientCAPath`: refuse clients without a valid certificate. Without it, a certificate is verified
    /// when presented and optional otherwise.
    public var requireClientCertificate: Bool

    public init(
        certificateChainPath: String, privateKeyPath: String, clientCAPath: String? = nil,
        requireClientCertificate: Bool = false
    ) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
        self.requireClientCertificate = requireClientCertificate
    }
}
