import Foundation
import MetagovTestSupport

/// Certificates made for a test with the openssl CLI in a temporary directory: a CA, a server certificate for
/// 127.0.0.1 and localhost, a client certificate (CN `driver-1`, SAN `driver-1.example`) signed by the CA,
/// another server certificate (for reloads), an expired one, and a client certificate from an unknown CA.
struct TestCertificates {
    let directory: URL
    func path(_ name: String) -> String { self.directory.appendingPathComponent(name).path }

    var caCertificate: String { self.path("ca.pem") }
    var serverCertificate: String { self.path("server.pem") }
    var serverKey: String { self.path("server.key") }
    var otherServerCertificate: String { self.path("server2.pem") }
    var otherServerKey: String { self.path("server2.key") }
    var expiredCertificate: String { self.path("expired.pem") }
    var expiredKey: String { self.path("expired.key") }
    var clientCertificate: String { self.path("client.pem") }
    var clientKey: String { self.path("client.key") }
    var strangerCertificate: String { self.path("stranger.pem") }
    var strangerKey: String { self.path("stranger.key") }

    static func make() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metagov-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        try certificates.run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=metagov test CA"])
        try certificates.issue("server", subject: "/CN=localhost", extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost")
        try certificates.issue("server2", subject: "/CN=localhost", extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost")
        try certificates.issue("client", subject: "/CN=driver-1/O=Example", extensions: "subjectAltName=DNS:driver-1.example")
        // Expired: signed by the CA for one day in 2020 (`openssl ca` takes explicit dates).
        try "[ca]\ndefault_ca=test\n[test]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=any\n[any]\ncommonName=supplied\n"
            .write(to: directory.appendingPathComponent("ca.cnf"), atomically: true, encoding: .utf8)
        try "".write(to: directory.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
        try "01\n".write(to: directory.appendingPathComponent("serial"), atomically: true, encoding: .utf8)
        try certificates.run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "expired.key",
            "-out", "expired.csr", "-subj", "/CN=localhost"])
        try certificates.run(["ca", "-batch", "-notext", "-config", "ca.cnf", "-keyfile", "ca.key", "-cert", "ca.pem",
            "-in", "expired.csr", "-out", "expired.pem", "-startdate", "20200101000000Z", "-enddate", "20200102000000Z"])
        try certificates.run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "stranger.key", "-out", "stranger.pem", "-days", "2", "-subj", "/CN=driver-1"])
        return certificates
    }

    func remove() { try? FileManager.default.removeItem(at: self.directory) }

    private func issue(_ name: String, subject: String, extensions: String) throws {
        try self.run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(name).key",
            "-out", "\(name).csr", "-subj", subject])
        try extensions.write(to: self.directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
        try self.run(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext"])
    }

    private func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = self.directory
        let output = try runToEnd(process)
        guard output.status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.first ?? ""): \(output.stderrText)"])
        }
    }
}
