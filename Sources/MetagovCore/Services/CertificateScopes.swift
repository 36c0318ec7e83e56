/// `metagov.auth.certificate_scopes`: which TLS client certificates stand for which scope.
struct CertificateScopes: Sendable {
    private let scopes: [String: TokenScope]

    init(_ config: MetagovConfig) {
        var scopes: [String: TokenScope] = [:]
        for entry in config.list(CoreConfig.certificateScopes) ?? [] {
            if let (name, scope) = Self.parse(entry) { scopes[name] = scope }
        }
        self.scopes = scopes
    }

    /// `NAME=SCOPE`, nil when malformed.
    static func parse(_ entry: String) -> (String, TokenScope)? {
        guard let equals = entry.firstIndex(of: "=") else { return nil }
        let name = String(entry[..<equals])
        guard !name.isEmpty, let scope = TokenScope(String(entry[entry.index(after: equals)...])) else { return nil }
        return (name, scope)
    }

    /// The caller `certificate` stands for, by its common name first, then its alternative names.
    func caller(for certificate: ClientCertificate) -> AuthContext? {
        for name in [certificate.commonName].compactMap({ $0 }) + certificate.subjectAlternativeNames {
            if let scope = self.scopes[name] {
                return AuthContext(user: "certificate:\(name)", scopes: [scope.description])
            }
        }
        return nil
    }
}
