import MetagovCore

/// A third party's authentication, written against the public interfaces only: its own token format and an
/// authenticator that trusts a gateway's `x-acme-user` header and otherwise falls back to bearer tokens.
final class HeaderAuthExtension: AuthenticationProvider {
    let name: String
    private let prefix: String

    init(name: String = "header-auth", prefix: String = "acme") {
        self.name = name
        self.prefix = prefix
    }

    func tokenCodec() -> (any TokenCodec)? { PrefixedTokenCodec(prefix: prefix) }
    func authenticator() -> (any Authenticator)? { GatewayHeaderAuthenticator() }
}

/// Tokens look like `PREFIX.<id>.<secret>`. (The "hash" is only good enough for a test.)
struct PrefixedTokenCodec: TokenCodec {
    let prefix: String

    func makeSecret() -> String { String((0..<24).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement() ?? "a" }) }
    func encode(id: Int64, secret: String) -> String { "\(prefix).\(id).\(secret)" }

    func decode(_ token: String) -> (id: Int64, secret: String)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == prefix, let id = Int64(parts[1]), !parts[2].isEmpty else { return nil }
        return (id, String(parts[2]))
    }

    func hash(secret: String) -> String { "test-hash:" + String(secret.reversed()) }
}

/// `x-acme-user: NAME` (set by a trusted gateway) is a caller scoped to community `c`; anything else is left
/// to the standard bearer-token authenticator.
struct GatewayHeaderAuthenticator: Authenticator {
    func authenticate(header: @Sendable (String) -> String?, core: Metagov) async throws -> AuthContext {
        if let user = header("x-acme-user"), !user.isEmpty {
            return AuthContext(user: "gateway:\(user)", scopes: [TokenScope.community("c").description])
        }
        return try await BearerTokenAuthenticator().authenticate(header: header, core: core)
    }
}
