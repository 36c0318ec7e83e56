import NIOSSL

/// TLS for a ``GRPCClient``: the server's certificate is verified (against `caPath`, else the system's trust
/// store) for the host name connected to; with `certificatePath` and `privateKeyPath` the client presents its
/// own certificate (mTLS). ALPN offers `h2`.
public struct GRPCClientTLS: Sendable, Hashable {
    /// PEM file with the authorities the server's certificate must chain to; nil: the system's.
    public var caPath: String?
    /// PEM file with the client's certificate chain, for mTLS.
    public var certificatePath: String?
    /// PEM file with the client's private key, for mTLS.
    public var privateKeyPath: String?
    /// The name the server's certificate must carry, when it is not the host connected to.
    public var serverHostname: String?

    public init(caPath: String? = nil, certificatePath: String? = nil, privateKeyPath: String? = nil, serverHostname: String? = nil) {
        self.caPath = caPath
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.serverHostname = serverHostname
    }

    /// The TLS context these settings describe; errors name the file that is wrong.
    func makeContext() throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.applicationProtocols = ["h2"]
        if let caPath = self.caPath {
            tls.trustRoots = .certificates(try Self.load(caPath, "CA") { try NIOSSLCertificate.fromPEMFile($0) })
        }
        if let certificatePath = self.certificatePath {
            guard let keyPath = self.privateKeyPath else {
                throw GRPCStatus(.invalidArgument, "TLS: a client certificate needs its private key")
            }
            let chain = try Self.load(certificatePath, "client certificate") { try NIOSSLCertificate.fromPEMFile($0) }
            tls.certificateChain = chain.map { .certificate($0) }
            tls.privateKey = .privateKey(try Self.load(keyPath, "client key") { try NIOSSLPrivateKey(file: $0, format: .pem) })
        }
        return try NIOSSLContext(configuration: tls)
    }

    private static func load<T>(_ path: String, _ what: String, _ body: (String) throws -> T) throws -> T {
        do {
            return try body(path)
        } catch {
            throw GRPCStatus(.invalidArgument, "TLS \(what) \(path): not a readable PEM file (\(error))")
        }
    }
}
