import Foundation
import NIOSSL
import Synchronization

/// The server's current TLS context, built from the files of a ``GRPCTLSConfiguration``; `reload()` builds a
/// new one from the same files (new connections use it, established ones keep theirs).
final class TLSContextStore: Sendable {
    let configuration: GRPCTLSConfiguration
    private let current: Mutex<NIOSSLContext>

    init(_ configuration: GRPCTLSConfiguration) throws {
        self.configuration = configuration
        self.current = Mutex(try Self.makeContext(configuration))
    }

    var context: NIOSSLContext { self.current.withLock { $0 } }

    /// Reads the files again; on failure the current context stays and the error names the file.
    func reload() throws {
        let fresh = try Self.makeContext(self.configuration)
        self.current.withLock { $0 = fresh }
    }

    /// Errors name the file and what is wrong with it (unreadable, not PEM, expired, not yet valid).
    static func makeContext(_ configuration: GRPCTLSConfiguration) throws -> NIOSSLContext {
        let chain = try load(configuration.certificateChainPath, "certificate chain") {
            try NIOSSLCertificate.fromPEMFile($0)
        }
        guard let leaf = chain.first else {
            throw GRPCStatus(.invalidArgument, "TLS certificate chain \(configuration.certificateChainPath): no certificate in it")
        }
        let now = time(nil)
        if leaf.notValidAfter < now {
            throw GRPCStatus(
                .invalidArgument,
                "TLS certificate \(configuration.certificateChainPath) expired on \(Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter)))")
        }
        if leaf.notValidBefore > now {
            throw GRPCStatus(
                .invalidArgument,
                "TLS certificate \(configuration.certificateChainPath) is not valid before \(Date(timeIntervalSince1970: TimeInterval(leaf.notValidBefore)))")
        }
        let key = try load(configuration.privateKeyPath, "private key") { try NIOSSLPrivateKey(file: $0, format: .pem) }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        tls.applicationProtocols = ["h2", "http/1.1"]
        if let caPath = configuration.clientCAPath {
            let authorities = try load(caPath, "client CA") { try NIOSSLCertificate.fromPEMFile($0) }
            tls.trustRoots = .certificates(authorities)
            tls.certificateVerification =
                configuration.requireClientCertificate ? .noHostnameVerification : .optionalVerification
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw GRPCStatus(
                .invalidArgument,
                "TLS: \(configuration.privateKeyPath) does not go with \(configuration.certificateChainPath), or they are unusable: \(error)")
        }
    }

    private static func load<T>(_ path: String, _ what: String, _ body: (String) throws -> T) throws -> T {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw GRPCStatus(.invalidArgument, "TLS \(what) \(path): no readable file there")
        }
        do {
            return try body(path)
        } catch {
            throw GRPCStatus(.invalidArgument, "TLS \(what) \(path): not a usable PEM file (\(error))")
        }
    }
}
