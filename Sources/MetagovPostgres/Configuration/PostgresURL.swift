import Foundation
import NIOSSL
import PostgresNIO

/// A PostgreSQL database named by a URL: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB` (or `postgresql://`),
/// optionally with `?sslmode=disable|prefer|require` (default `disable`; `require` verifies the server's
/// certificate against the system's trust roots). User and password may be percent-encoded.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, Hashable {
        case disable, prefer, require
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode

    /// Whether `text` names a PostgreSQL database (rather than an SQLite file).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`; throws ``PostgresStoreError/invalidURL(_:)`` saying what is wrong.
    public init(_ text: String) throws {
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw PostgresStoreError.invalidURL("'\(Self.redact(text))' is not a URL of the form postgres://USER[:PASSWORD]@HOST[:PORT]/DB")
        }
        guard let user = components.user.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw PostgresStoreError.invalidURL("the PostgreSQL URL names no user (postgres://USER@HOST/DB)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresStoreError.invalidURL("the PostgreSQL URL names no host (postgres://USER@HOST/DB)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresStoreError.invalidURL("the PostgreSQL URL names no database (postgres://USER@HOST/DB)")
        }
        var sslMode = SSLMode.disable
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode", let value = item.value, let mode = SSLMode(rawValue: value) else {
                throw PostgresStoreError.invalidURL(
                    "unknown PostgreSQL URL parameter '\(item.name)=\(item.value ?? "")' (known: sslmode=disable|prefer|require)")
            }
            sslMode = mode
        }
        self.user = user
        self.password = components.password.flatMap { $0.removingPercentEncoding }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.database = database.removingPercentEncoding ?? database
        self.sslMode = sslMode
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "postgres://\(user)@\(host):\(port)/\(database)"
    }

    /// `host:port` (IPv6 hosts in brackets), for messages.
    public var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The connection settings postgres-nio needs; `startup` are server settings for every session.
    func configuration(connectTimeout: Double, startup: [(String, String)]) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .milliseconds(Int64(connectTimeout * 1000))
        configuration.options.additionalStartupParameters = startup
        return configuration
    }

    /// `text` with any password replaced, for error messages about unparsable URLs.
    private static func redact(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
