import Foundation
import Logging
import MetagovCore
import MetagovPostgres
@testable import MetagovSQLite
import NIOCore
import NIOPosix
import PostgresNIO
import Testing

/// The store implementations every store test runs against: `@Test(arguments: StoreBackend.available)`.
public enum StoreBackend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    public var testDescription: String { rawValue }

    /// SQLite, and PostgreSQL when a server is configured (``postgresServerURL``).
    public static var available: [StoreBackend] { postgresServerURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// Why PostgreSQL cases do not run, when they do not: for `.enabled(if: StoreBackend.postgresServerURL != nil,
    /// StoreBackend.whyNoPostgres)`.
    public static let whyNoPostgres: Comment =
        "PostgreSQL cases skipped: METAGOV_TEST_POSTGRES_URL is not set (scripts/test starts a throwaway PostgreSQL and sets it)"

    /// The PostgreSQL server the tests use: `$METAGOV_TEST_POSTGRES_URL` (`scripts/test` starts a throwaway
    /// cluster and sets it), any database on it; each test creates a database of its own there.
    public static var postgresServerURL: String? {
        ProcessInfo.processInfo.environment["METAGOV_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A fresh, empty store: an in-memory SQLite database, or a new PostgreSQL database dropped when the store
    /// is released.
    public func makeStore() throws -> any Store {
        switch self {
        case .sqlite: return try SQLiteStore.inMemory()
        case .postgres:
            let database = try TestDatabase(self)
            return OwnedStore(try database.openStore(), owner: database)
        }
    }
}

/// A fresh database of one backend for one test, which stores can be opened on (several at once, or one after
/// the other to test reopening): a file in a temporary directory, or a PostgreSQL database. Removed when
/// released.
public final class TestDatabase: @unchecked Sendable {
    public let backend: StoreBackend
    /// The SQLite path or PostgreSQL URL, as `metagovd --database` takes it.
    public let location: String
    private let cleanup: @Sendable () -> Void

    public init(_ backend: StoreBackend = .sqlite) throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metagov-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            location = directory.appendingPathComponent("metagov.sqlite").path
            cleanup = { try? FileManager.default.removeItem(at: directory) }
        case .postgres:
            guard let server = StoreBackend.postgresServerURL else {
                throw PostgresStoreError.invalidURL("METAGOV_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against")
            }
            let name = "metagov_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let admin = try PostgresURL(server)
            try Self.execute("CREATE DATABASE \(name)", on: admin)
            let password = admin.password.flatMap { $0.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) }
            location = "postgres://\(admin.user)\(password.map { ":" + $0 } ?? "")@\(admin.endpoint)/\(name)"
            cleanup = { try? Self.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin) }
        }
    }

    /// Only the path (SQLite); tests that move files around need it.
    public var path: String { location }

    deinit { cleanup() }

    /// Opens a store on the database (small pools: many tests run at once).
    public func openStore() throws -> any Store {
        switch backend {
        case .sqlite: return try SQLiteStore(path: location)
        case .postgres: return try PostgresStore(url: location, options: Self.postgresOptions)
        }
    }

    /// Runs raw SQL on the database over a connection of its own: for tests that damage or inspect it in ways
    /// the ``Store`` API does not allow.
    public func executeRawSQL(_ sql: String) throws {
        switch backend {
        case .sqlite: try SQLiteStore(path: location).executeRawSQL(sql)
        case .postgres: try Self.execute(sql, on: PostgresURL(location))
        }
    }

    /// Runs `body` while a transaction of another connection holds `table` locked in `ACCESS EXCLUSIVE` mode
    /// (PostgreSQL only): every statement on the table waits, as on a server that stopped answering.
    public func withTableLocked<T>(_ table: String, _ body: () async throws -> T) async throws -> T {
        let url = try PostgresURL(location)
        let logger = Logger(label: "metagov.test.postgres")
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: Self.configuration(url), id: 0, logger: logger)
        do {
            try await connection.query("BEGIN", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE"), logger: logger)
            let result = try await body()
            try await connection.query("COMMIT", logger: logger)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Pool of two, a quick poll for missed notifications.
    public static let postgresOptions = PostgresStoreOptions(poolSize: 2, pollInterval: 0.2)

    /// Runs one statement on its own connection to `url`, blocking.
    private static func execute(_ sql: String, on url: PostgresURL) throws {
        let logger = Logger(label: "metagov.test.postgres")
        let connection = try PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration(url), id: 0, logger: logger).wait()
        defer { try? connection.close().wait() }
        _ = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
    }

    private static func configuration(_ url: PostgresURL) -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}

/// A store that keeps its test database alive as long as it is used; one that does not hear its peers
/// (`hearsPeers: false`) stands for a gateway whose notifications of other gateways' commits are late.
final class OwnedStore: Store {
    private let store: any Store
    private let owner: TestDatabase?
    private let hearsPeers: Bool

    init(_ store: any Store, owner: TestDatabase?, hearsPeers: Bool = true) {
        self.store = store
        self.owner = owner
        self.hearsPeers = hearsPeers
    }

    func read<T: Sendable>(_ body: @Sendable (any StoreReader) throws -> T) async throws -> T { try await store.read(body) }

    func write<T: Sendable>(_ body: @Sendable (any StoreWriter) throws -> T) async throws -> T { try await store.write(body) }

    func write<T: Sendable>(
        _ body: @Sendable (any StoreWriter) throws -> T, whenQueued: @escaping @Sendable () -> Void
    ) async throws -> T {
        try await store.write(body, whenQueued: whenQueued)
    }

    func observeChanges(_ handler: @escaping @Sendable (StoreChange) -> Void) {
        if hearsPeers { store.observeChanges(handler) }
    }

    var hasPeers: Bool { store.hasPeers }

    func holdsRole(_ role: String) async -> Bool { await store.holdsRole(role) }

    func isTurnTaken(key: Int64) -> Bool { store.isTurnTaken(key: key) }

    nonisolated(nonsending) func takingTurns<T: Sendable>(key: Int64, _ body: nonisolated(nonsending) () async throws -> T) async throws -> T {
        try await store.takingTurns(key: key, body)
    }
}
