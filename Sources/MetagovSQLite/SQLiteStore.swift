import GRDB
import MetagovCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Failures opening an ``SQLiteStore``.
public enum SQLiteStoreError: Error, Sendable, Equatable {
    /// The file holds migrations this release does not know (named here): a newer release upgraded it.
    case schemaFromNewerVersion([String])
}

/// The embedded ``Store``: SQLite through GRDB.
///
/// A file store is a `DatabasePool` in WAL mode (one writer, a pool of concurrent snapshot readers) with
/// foreign keys on and a busy timeout, so a CLI process and a server can share the file. The schema is
/// created and upgraded by versioned migrations when the store opens. Calls block until SQLite answers:
/// do not make them from an event loop.
public final class SQLiteStore: Store {
    /// How long a write waits for another process's write to finish before failing with `SQLITE_BUSY`.
    public static let busyTimeout: Double = 5

    private let database: any DatabaseWriter

    /// Opens the database file at `path`, creating it when missing (readable and writable by its owner only:
    /// it holds token hashes; SQLite gives the `-wal` and `-shm` files the same mode) and migrating it to the
    /// current schema. Throws ``SQLiteStoreError/schemaFromNewerVersion(_:)`` when a newer release already
    /// migrated the file.
    public init(path: String) throws {
        let created = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if created >= 0 { close(created) }
        database = try DatabasePool(path: path, configuration: Self.configuration())
        try Self.migrate(database)
    }

    private init(memory queue: DatabaseQueue) throws {
        database = queue
        try Self.migrate(database)
    }

    private static func migrate(_ database: any DatabaseWriter) throws {
        let migrator = Schema.migrator
        let unknown = try database.read { db in
            try migrator.hasBeenSuperseded(db) ? migrator.appliedIdentifiers(db).subtracting(Schema.migrationNames) : []
        }
        guard unknown.isEmpty else { throw SQLiteStoreError.schemaFromNewerVersion(unknown.sorted()) }
        try migrator.migrate(database)
    }

    /// A new private in-memory database (one connection), for tests and previews.
    public static func inMemory() throws -> SQLiteStore {
        try SQLiteStore(memory: DatabaseQueue(configuration: configuration()))
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "metagov"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        return configuration
    }

    /// The journal mode SQLite reports: `wal` for file stores, `memory` for in-memory ones.
    public func journalMode() throws -> String {
        try database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Runs raw SQL in a write transaction: a hook for tests (`@testable import`) that need to damage or
    /// inspect the file in ways the ``Store`` API does not allow.
    func executeRawSQL(_ sql: String) throws {
        try database.write { try $0.execute(sql: sql) }
    }

    /// Runs `body` on a consistent snapshot; `body` gets a reader only (SQLite refuses writes here).
    public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
        try database.read { try body(SQLiteReader(db: $0)) }
    }

    /// Runs `body` in one immediate write transaction: commits when it returns, rolls back when it throws.
    public func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
        try database.write { try body(SQLiteWriter(db: $0)) }
    }
}
