import Foundation
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
/// A file store is a `DatabasePool` in WAL mode with foreign keys on and a busy timeout, so a CLI process and a
/// server can share the file. The schema is created and upgraded by versioned migrations when the store opens.
///
/// - Reads run inline on the calling thread, on one of a pool of snapshot connections large enough that a
///   caller never waits for a free one; WAL readers never wait for a writer.
/// - Writes go to one dedicated ``WriterThread`` that commits queued units of work together; callers suspend
///   until their unit is committed. Waiting for another process's write lock happens on that thread only.
public final class SQLiteStore: Store {
    /// How long a write waits for another process's write to finish, by default, before failing with
    /// ``StoreError/unavailable(_:)``.
    public static let defaultBusyTimeout: Double = 5

    private let database: any DatabaseWriter
    private let writer: WriterThread

    /// Opens the database file at `path`, creating it when missing (readable and writable by its owner only:
    /// it holds token hashes; SQLite gives the `-wal` and `-shm` files the same mode) and migrating it to the
    /// current schema. Throws ``SQLiteStoreError/schemaFromNewerVersion(_:)`` when a newer release already
    /// migrated the file.
    ///
    /// - Parameter busyTimeout: seconds a write waits for the lock held by another process.
    public init(path: String, busyTimeout: Double = SQLiteStore.defaultBusyTimeout) throws {
        let created = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if created >= 0 { close(created) }
        var configuration = Self.configuration(busyTimeout: busyTimeout)
        // Every thread that may read at once gets its own connection: the API's handler threads, Swift's
        // cooperative pool (the scheduler, the delivery worker) and a margin.
        configuration.maximumReaderCount = 2 * ProcessInfo.processInfo.activeProcessorCount + 4
        let pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrate(pool)
        database = pool
        writer = WriterThread(database: pool, busyTimeout: busyTimeout)
    }

    private init(memory queue: DatabaseQueue) throws {
        try Self.migrate(queue)
        database = queue
        writer = WriterThread(database: queue, busyTimeout: Self.defaultBusyTimeout)
    }

    deinit { writer.stop() }

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
        try SQLiteStore(memory: DatabaseQueue(configuration: configuration(busyTimeout: defaultBusyTimeout)))
    }

    private static func configuration(busyTimeout: Double) -> Configuration {
        var configuration = Configuration()
        configuration.label = "metagov"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        return configuration
    }

    /// The journal mode SQLite reports: `wal` for file stores, `memory` for in-memory ones.
    public func journalMode() throws -> String {
        try readNow { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Runs raw SQL in a write transaction: a hook for tests (`@testable import`) that need to damage or
    /// inspect the file in ways the ``Store`` API does not allow.
    func executeRawSQL(_ sql: String) throws {
        try database.write { try $0.execute(sql: sql) }
    }

    /// Runs `body` on a consistent snapshot, on the calling thread; `body` gets a reader only (SQLite refuses
    /// writes here).
    public func read<T: Sendable>(_ body: @Sendable (any StoreReader) throws -> T) async throws -> T {
        try readNow { try body(SQLiteReader(db: $0)) }
    }

    /// Runs `body` on the writer thread as one unit of work of the next batch (its own savepoint in the batch's
    /// transaction) and returns its result once the batch committed.
    public func write<T: Sendable>(_ body: @Sendable (any StoreWriter) throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            try await withUnsafeThrowingContinuation { continuation in
                writer.submit(PendingWrite(body, continuation))
            }
        }
    }

    /// A synchronous read (GRDB's blocking `read`, chosen explicitly outside any async context).
    private func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        try database.read(body)
    }
}
