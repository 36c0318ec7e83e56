import ArgumentParser
import MetagovGRPC

/// `metagovd serve`'s TLS options. With a certificate and key the port speaks TLS only (ALPN h2 and
/// http/1.1); SIGHUP reads the files again.
struct TLSOptions: ParsableArguments {
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain (leaf first): serve TLS 1.2/1.3 instead of cleartext.")
    var certificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var key: String?

    @Option(name: .customLong("tls-client-ca"), help: "PEM certificate authorities for client certificates (mTLS): a presented certificate must chain to them.")
    var clientCA: String?

    @Flag(name: .customLong("tls-require-client-cert"), help: "Refuse TLS clients without a valid certificate (needs --tls-client-ca).")
    var requireClientCertificate = false

    func validate() throws {
        if (certificate == nil) != (key == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if clientCA != nil && certificate == nil { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
        if requireClientCertificate && clientCA == nil { throw ValidationError("--tls-require-client-cert needs --tls-client-ca") }
    }

    /// The server's TLS settings, nil for cleartext.
    var configuration: GRPCTLSConfiguration? {
        guard let certificate, let key else { return nil }
        return GRPCTLSConfiguration(
            certificateChainPath: certificate, privateKeyPath: key, clientCAPath: clientCA,
            requireClientCertificate: requireClientCertificate)
    }
}
