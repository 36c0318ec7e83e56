/// Failures of a ``PostgresStore`` that are not about the domain (those are ``StoreError``s).
public enum PostgresStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database URL cannot be used; the message says why.
    case invalidURL(String)
    /// The database holds migrations this release does not know (named here): a newer release upgraded it.
    case schemaFromNewerVersion([String])
    /// PostgreSQL refused a statement for a reason the store does not expect (SQLSTATE and message).
    case server(sqlState: String, message: String)
    /// A value read back cannot be decoded (a damaged or hand-edited database).
    case storedValue(String)

    public var description: String {
        switch self {
        case .invalidURL(let message): message
        case .schemaFromNewerVersion(let names):
            "the database was migrated by a newer release of metagov (unknown migrations: \(names.joined(separator: ", ")))"
        case .server(let state, let message): "PostgreSQL error \(state): \(message)"
        case .storedValue(let message): "a stored value cannot be read: \(message)"
        }
    }
}
