import MetagovCore
import MetagovPlugins
import MetagovTestSupport
import Testing

@Suite struct HeaderAuthExtensionTests {
    private func core(_ extensions: [any MetagovExtension]) async throws -> Metagov {
        let core = try makeTestCore(BuiltinExtensions.all() + extensions)
        _ = try await core.communities.create(slug: "c", readableName: "C")
        return core
    }

    private func headers(_ values: [String: String]) -> @Sendable (String) -> String? {
        { values[$0] }
    }

    @Test func tokensUseTheExtensionsFormatAndHash() async throws {
        let core = try await core([HeaderAuthExtension()])
        let (token, record) = try await core.tokens.create(scope: .admin, name: "ops")
        #expect(token.hasPrefix("acme.\(record.id)."))
        let secret = String(token.split(separator: ".")[2])
        #expect(record.secretHash == "test-hash:" + String(secret.reversed()))
        #expect(try await core.tokens.verify(token).user == "token:ops")
        let wrongSecret = await metagovError { _ = try await core.tokens.verify("acme.\(record.id).nope") }
        #expect(wrongSecret?.code == .unauthenticated)
        let otherFormat = await metagovError { _ = try await core.tokens.verify("mgv_\(record.id)_\(secret)") }
        #expect(otherFormat?.code == .unauthenticated)
    }

    @Test func theAuthenticatorDecidesWhoIsCallingAndAuthorizationFollows() async throws {
        let core = try await core([HeaderAuthExtension()])
        let gateway = try await core.authenticator.authenticate(header: headers(["x-acme-user": "alice"]), core: core)
        #expect(gateway.user == "gateway:alice")
        #expect(gateway.scopes == ["community:c"])
        try await core.authorization.check("event.subscribe", context: gateway)

        let anonymous = try await core.authenticator.authenticate(header: headers([:]), core: core)
        #expect(anonymous.isAnonymous)
        let refused = await metagovError { try await core.authorization.check("event.subscribe", context: anonymous) }
        #expect(refused?.code == .unauthenticated)

        let (token, _) = try await core.tokens.create(scope: .community("c"), name: "driver")
        let bearer = try await core.authenticator.authenticate(header: headers(["authorization": "Bearer \(token)"]), core: core)
        #expect(bearer.user == "token:driver")
        let bad = await metagovError {
            _ = try await core.authenticator.authenticate(header: headers(["authorization": "Bearer acme.1.x"]), core: core)
        }
        #expect(bad?.code == .unauthenticated)
    }

    @Test func theLastLoadedProviderWins() async throws {
        let core = try await core([HeaderAuthExtension(name: "first", prefix: "one"), HeaderAuthExtension(name: "second", prefix: "two")])
        let (token, _) = try await core.tokens.create(scope: .admin)
        #expect(token.hasPrefix("two."))
    }

    @Test func withoutAProviderTheDefaultsApply() async throws {
        let core = try await core([])
        let (token, _) = try await core.tokens.create(scope: .admin)
        #expect(token.hasPrefix("mgv_"))
    }
}
