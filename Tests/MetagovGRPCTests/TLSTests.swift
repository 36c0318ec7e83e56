import Foundation
import MetagovGRPC
import Testing

/// TLS and mTLS on the transport, with certificates made for each test. Skipped under AddressSanitizer: making
/// the certificates runs openssl through Foundation's `Process`, whose leak LeakSanitizer reports (see
/// `runningUnderAddressSanitizer`), and NIOSSL leaks its context when a mismatched key fails its initializer.
@Suite("TLS", .enabled(if: !runningUnderAddressSanitizer))
struct TLSTests {
    private func withTLSServer(
        _ certificates: TestCertificates, clientCA: Bool = false, requireClientCertificate: Bool = false,
        _ body: (TestServer) async throws -> Void
    ) async throws {
        try await withTestServer(configure: {
            $0.tls = GRPCTLSConfiguration(
                certificateChainPath: certificates.serverCertificate, privateKeyPath: certificates.serverKey,
                clientCAPath: clientCA ? certificates.caCertificate : nil, requireClientCertificate: requireClientCertificate)
        }, body)
    }

    private func client(_ server: TestServer, _ tls: GRPCClientTLS?) async throws -> GRPCClient {
        var configuration = GRPCClientConfiguration()
        configuration.tls = tls
        return try await GRPCClient.connect(host: "127.0.0.1", port: server.port, configuration: configuration)
    }

    @Test("calls over TLS (ALPN h2); cleartext and clients that do not trust the server get no answer")
    func tls() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try await withTLSServer(certificates) { server in
            let client = try await self.client(server, GRPCClientTLS(caPath: certificates.caCertificate))
            #expect(try await client.unary("/test.Echo/Unary", [1, 2]).response == [1, 2])
            #expect(try await client.unary("/test.Echo/PeerCertificate", []).response.isEmpty)
            await client.close()
            let cleartext = try? await self.client(server, nil)
            await expectStatus(.unavailable) { _ = try await cleartext?.unary("/test.Echo/Unary", [1]) ?? { throw GRPCStatus(.unavailable) }() }
            await cleartext?.close()
            let distrustful = try? await self.client(server, GRPCClientTLS(caPath: certificates.strangerCertificate))
            await expectStatus(.unavailable) { _ = try await distrustful?.unary("/test.Echo/Unary", [1]) ?? { throw GRPCStatus(.unavailable) }() }
            await distrustful?.close()
        }
    }

    @Test("mTLS: the verified client certificate reaches the handler; required, its absence or an unknown CA is refused")
    func mutualTLS() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let clientTLS = GRPCClientTLS(
            caPath: certificates.caCertificate, certificatePath: certificates.clientCertificate,
            privateKeyPath: certificates.clientKey)
        try await withTLSServer(certificates, clientCA: true) { server in
            let client = try await self.client(server, clientTLS)
            let der = try await client.unary("/test.Echo/PeerCertificate", []).response
            #expect(Data(der).range(of: Data("driver-1".utf8)) != nil)
            await client.close()
            // Optional: a client without a certificate is served, with none.
            let anonymous = try await self.client(server, GRPCClientTLS(caPath: certificates.caCertificate))
            #expect(try await anonymous.unary("/test.Echo/PeerCertificate", []).response.isEmpty)
            await anonymous.close()
        }
        try await withTLSServer(certificates, clientCA: true, requireClientCertificate: true) { server in
            let client = try await self.client(server, clientTLS)
            #expect(try await client.unary("/test.Echo/Unary", [3]).response == [3])
            await client.close()
            for tls in [
                GRPCClientTLS(caPath: certificates.caCertificate),
                GRPCClientTLS(
                    caPath: certificates.caCertificate, certificatePath: certificates.strangerCertificate,
                    privateKeyPath: certificates.strangerKey),
            ] {
                let refused = try? await self.client(server, tls)
                await expectStatus(.unavailable) { _ = try await refused?.unary("/test.Echo/Unary", [1]) ?? { throw GRPCStatus(.unavailable) }() }
                await refused?.close()
            }
        }
    }

    @Test("reloadTLS: new connections get the new certificate, established ones go on; a bad file keeps the old one")
    func reload() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try await withTLSServer(certificates) { server in
            let established = try await self.client(server, GRPCClientTLS(caPath: certificates.caCertificate))
            #expect(try await established.unary("/test.Echo/Unary", [1]).response == [1])
            // An expired certificate is refused, naming the file; the current one stays.
            try FileManager.default.removeItem(atPath: certificates.serverCertificate)
            try FileManager.default.copyItem(atPath: certificates.expiredCertificate, toPath: certificates.serverCertificate)
            #expect {
                try server.server.reloadTLS()
            } throws: { error in
                (error as? GRPCStatus)?.message.contains(certificates.serverCertificate) == true
                    && (error as? GRPCStatus)?.message.contains("expired") == true
            }
            let stillOld = try await self.client(server, GRPCClientTLS(caPath: certificates.caCertificate))
            #expect(try await stillOld.unary("/test.Echo/Unary", [2]).response == [2])
            await stillOld.close()
            // The stranger's self-signed certificate: once reloaded, new clients trusting only the CA refuse it.
            for (source, target) in [
                (certificates.strangerCertificate, certificates.serverCertificate), (certificates.strangerKey, certificates.serverKey),
            ] {
                try FileManager.default.removeItem(atPath: target)
                try FileManager.default.copyItem(atPath: source, toPath: target)
            }
            try server.server.reloadTLS()
            let fresh = try? await self.client(server, GRPCClientTLS(caPath: certificates.caCertificate))
            await expectStatus(.unavailable) { _ = try await fresh?.unary("/test.Echo/Unary", [1]) ?? { throw GRPCStatus(.unavailable) }() }
            await fresh?.close()
            #expect(try await established.unary("/test.Echo/Unary", [4]).response == [4])
            await established.close()
        }
    }

    @Test("a missing, malformed or expired certificate at start is an error naming the file")
    func badCertificateAtStart() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let garbage = certificates.path("garbage.pem")
        try "not a certificate".write(toFile: garbage, atomically: true, encoding: .utf8)
        for (certificate, key, words) in [
            (certificates.path("missing.pem"), certificates.serverKey, ["missing.pem", "no readable file"]),
            (garbage, certificates.serverKey, ["garbage.pem"]),
            (certificates.expiredCertificate, certificates.expiredKey, ["expired.pem", "expired"]),
            (certificates.serverCertificate, certificates.clientKey, ["client.key"]),
        ] {
            var configuration = GRPCServerConfiguration()
            configuration.port = 0
            configuration.tls = GRPCTLSConfiguration(certificateChainPath: certificate, privateKeyPath: key)
            let server = GRPCServer(configuration: configuration, methods: MethodTable())
            do {
                _ = try await server.start()
                Issue.record("started with \(certificate)")
                await server.shutdown()
            } catch let status as GRPCStatus {
                for word in words { #expect(status.message.contains(word), "\(status.message)") }
            }
        }
    }
}
