/// How API tokens look and how their secrets are hashed (CKAN's IApiToken). Replace it through an
/// ``AuthenticationProvider``.
public protocol TokenCodec: Sendable {
    /// A new random secret.
    func makeSecret() -> String
    /// The token handed to the caller for token `id` with `secret`.
    func encode(id: Int64, secret: String) -> String
    /// The id and secret inside `token`, or nil when it is not a token of this codec.
    func decode(_ token: String) -> (id: Int64, secret: String)?
    /// The stored form of `secret` (never the secret itself).
    func hash(secret: String) -> String
}

/// Establishes who is calling from a request's metadata (CKAN's IAuthenticator). Replace it through an
/// ``AuthenticationProvider``.
public protocol Authenticator: Sendable {
    /// The caller: ``AuthContext`` with no user for anonymous calls (no credentials). Throws
    /// ``MetagovError`` UNAUTHENTICATED for credentials that are present but not valid.
    ///
    /// `header` returns the first value of a request header (lower-case name), e.g. `authorization`.
    func authenticate(header: @Sendable (String) -> String?, core: Metagov) async throws -> AuthContext
}

/// Replaces the token codec and/or the authenticator. The last loaded extension that returns one wins.
public protocol AuthenticationProvider: MetagovExtension {
    func tokenCodec() -> (any TokenCodec)?
    func authenticator() -> (any Authenticator)?
}

extension AuthenticationProvider {
    public func tokenCodec() -> (any TokenCodec)? { nil }
    public func authenticator() -> (any Authenticator)? { nil }
}
