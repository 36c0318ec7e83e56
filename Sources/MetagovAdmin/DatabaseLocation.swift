import MetagovPostgres

/// Where the data lives: an SQLite file (a path, or `sqlite:PATH`) or a PostgreSQL database (a `postgres://` or
/// `postgresql://` URL).
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    /// Parses `text`; throws ``PostgresStoreError/invalidURL(_:)`` for a PostgreSQL URL that cannot be used.
    public init(_ text: String) throws {
        if PostgresURL.isPostgres(text) {
            self = .postgres(try PostgresURL(text))
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: text)
        }
    }

    /// The path or the URL without its password, for messages.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url.description
        }
    }
}
