import Crypto
import Foundation

/// The default token format: `mgv_<id>_<secret>`, the secret 32 random bytes in base64url; stored as the
/// SHA-256 of the secret in hex.
public struct MetagovTokenCodec: TokenCodec {
    public init() {}

    public func makeSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public func encode(id: Int64, secret: String) -> String { "mgv_\(id)_\(secret)" }

    public func decode(_ token: String) -> (id: Int64, secret: String)? {
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "mgv", let id = Int64(parts[1]), !parts[2].isEmpty else { return nil }
        return (id, String(parts[2]))
    }

    public func hash(secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// `authorization: Bearer TOKEN` checked against the stored tokens; without a token, a verified TLS client
/// certificate named in `metagov.auth.certificate_scopes` (by its common name or a subject alternative name).
public struct BearerTokenAuthenticator: Authenticator {
    public init() {}

    public func authenticate(
        header: @Sendable (String) -> String?, clientCertificate: ClientCertificate?, core: Metagov
    ) async throws -> AuthContext {
        if header("authorization") == nil, let clientCertificate,
            let caller = CertificateScopes(core.config).caller(for: clientCertificate)
        {
            return caller
        }
        return try await self.authenticate(header: header, core: core)
    }

    public func authenticate(header: @Sendable (String) -> String?, core: Metagov) async throws -> AuthContext {
        guard let value = header("authorization") else { return AuthContext() }
        guard value.count > 7, value.prefix(7).lowercased() == "bearer " else {
            throw MetagovError(.unauthenticated, "the authorization header must be 'Bearer TOKEN'")
        }
        return try await core.tokens.verify(String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces))
    }
}

/// API tokens: created (shown once), listed, revoked, verified.
public struct TokenService: Sendable {
    let core: Metagov

    /// A new token with `scope`; returns the token text (shown only now) and its stored record. The name must
    /// be unique (one is generated when omitted); `expiresIn` makes it stop working after that long.
    public func create(scope: TokenScope, name: String? = nil, expiresIn: Duration? = nil) async throws -> (token: String, record: APIToken) {
        if case .community(let slug) = scope { _ = try await core.communities.get(slug) }
        let codec = core.tokenCodec
        let secret = codec.makeSecret()
        let name = name ?? "token-\(UUID().uuidString.prefix(8).lowercased())"
        guard !name.isEmpty, name.count <= 100 else { throw MetagovError.invalidArgument("token name must be 1–100 characters") }
        let expiresAt = expiresIn.map { core.now().addingTimeInterval(Double($0.components.seconds)) }
        let secretHash = codec.hash(secret: secret)
        let record = try await core.write {
            try $0.insertAPIToken(name: name, scope: scope, secretHash: secretHash, expiresAt: expiresAt)
        }
        return (codec.encode(id: record.id, secret: secret), record)
    }

    /// Every token (active, expired and revoked), without secrets.
    public func list() async throws -> [APIToken] { try await core.read { try $0.apiTokens() } }

    /// Revokes the token with this id or name; NOT_FOUND when there is none that is not revoked yet.
    @discardableResult
    public func revoke(_ idOrName: String) async throws -> APIToken {
        let tokens = try await list()
        let notFound = MetagovError.notFound("active API token '\(idOrName)'")
        guard let token = tokens.first(where: { String($0.id) == idOrName || $0.name == idOrName }), token.revokedAt == nil
        else { throw notFound }
        let id = token.id
        guard try await core.write({ try $0.revokeAPIToken(id: id) }) else { throw notFound }
        return token
    }

    /// The caller a token stands for; UNAUTHENTICATED when it is malformed, unknown, revoked or expired.
    public func verify(_ token: String) async throws -> AuthContext {
        let codec = core.tokenCodec
        let invalid = MetagovError(.unauthenticated, "invalid, expired or revoked API token")
        guard let (id, secret) = codec.decode(token), let record = try await core.read({ try $0.apiToken(id: id) }) else {
            throw invalid
        }
        guard Self.constantTimeEqual(codec.hash(secret: secret), record.secretHash), record.isActive(at: core.now()) else {
            throw invalid
        }
        return AuthContext(user: "token:\(record.name)", scopes: [record.scope.description])
    }

    /// Whether any token exists (revoked ones included).
    public func any() async throws -> Bool { try await !list().isEmpty }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
