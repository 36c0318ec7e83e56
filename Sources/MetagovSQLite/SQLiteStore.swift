import GRDB
import MetagovCore

/// The embedded ``Store``: SQLite through GRDB in WAL mode, one writer and a pool of readers, foreign keys
/// with cascades, versioned migrations.
public final class SQLiteStore: Store {
    private let database: any DatabaseWriter

    /// Opens (creating and migrating when needed) the database file at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        database = try DatabasePool(path: path, configuration: configuration)
        try Schema.migrator.migrate(database)
    }

    private init(queue: DatabaseQueue) throws {
        database = queue
        try Schema.migrator.migrate(database)
    }

    /// A private in-memory database, for tests.
    public static func inMemory() throws -> SQLiteStore {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        return try SQLiteStore(queue: DatabaseQueue(configuration: configuration))
    }

    /// The journal mode SQLite reports (`wal` for file databases).
    public func journalMode() throws -> String {
        try database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
        try database.read { try body(SQLiteAccess(db: $0)) }
    }

    public func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
        try database.write { try body(SQLiteAccess(db: $0)) }
    }
}
