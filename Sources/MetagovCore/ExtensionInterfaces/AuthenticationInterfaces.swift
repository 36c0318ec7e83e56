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

    /// The same, for a call over TLS whose client presented a certificate the server verified (mTLS):
    /// an authenticator may map certificates to scopes. By default the certificate is ignored.
    func authenticate(
        header: @Sendable (String) -> String?, clientCertificate: ClientCertificate?, core: Metagov
    ) async throws -> AuthContext
}

extension Authenticator {
    public func authenticate(
        header: @Sendable (String) -> String?, clientCertificate: ClientCertificate?, core: Metagov
    ) async throws -> AuthContext {
        try await self.authenticate(header: header, core: core)
    }
}

/// A client certificate verified during the TLS handshake (chained to the server's `--tls-client-ca`).
public struct ClientCertificate: Sendable, Hashable {
    /// The subject's distinguished name, RFC 4514 style (`CN=driver-1,O=Example`).
    public var subject: String
    /// The subject's common name, if it has one.
    public var commonName: String?
    /// Subject alternative names: DNS names, e-mail addresses, URIs and IP addresses, as text.
    public var subjectAlternativeNames: [String]
    /// The certificate as DER.
    public var der: [UInt8]

    public init(subject: String, commonName: String?, subjectAlternativeNames: [String], der: [UInt8]) {
        self.subject = subject
        self.commonName = commonName
        self.subjectAlternativeNames = subjectAlternativeNames
        self.der = der
    }
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
