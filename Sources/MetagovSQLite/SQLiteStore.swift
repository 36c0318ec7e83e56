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
/// A file store is a database in WAL mode with foreign keys on and a busy timeout, so a CLI process and a
/// server can share the file. The schema is created and upgraded by versioned migrations when the store opens.
///
/// - Reads run inline on the calling thread, each on a read-only connection of a ``ReaderPool`` that grows
///   so that a reader never waits for another; WAL readers never wait for the writer.
/// - Writes go to one dedicated ``WriterThread`` that commits every queued unit of work together (group
///   commit), a failing unit losing only its own writes; callers suspend until their unit is committed. Waiting for another
///   process's write lock happens on that thread only. A ``Checkpointer`` thread copies the log back into the
///   database file, so commits never wait for that.
/// - Durability: the writer's connection runs with `synchronous = FULL`, so a commit returns, and its callers
///   are answered, only after the write-ahead log is synced to disk: a committed unit survives a process crash
///   and a power loss. Group commit pays that sync once per batch, not once per unit.
public final class SQLiteStore: Store {
    /// How long a write waits for another process's write to finish, by default, before failing with
    /// ``StoreError/unavailable(_:)``.
    public static let defaultBusyTimeout: Double = 5

    private let readers: ReaderPool
    private let writer: WriterThread
    /// Only for ``executeRawSQL(_:)`` and ``journalMode()``.
    private let writerConnection: DatabaseQueue

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
        configuration.journalMode = .wal
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        // After GRDB's WAL set-up, which chooses NORMAL: commits sync the log before they return.
        try connection.inDatabase { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrate(connection)
        var readOnlyConfiguration = Self.configuration(busyTimeout: busyTimeout)
        readOnlyConfiguration.readonly = true
        let readOnly = readOnlyConfiguration
        readers = ReaderPool { try DatabaseQueue(path: path, configuration: readOnly) }
        writerConnection = connection
        let checkpointer = Checkpointer(connection: try DatabaseQueue(path: path, configuration: configuration))
        writer = WriterThread(connection: connection, busyTimeout: busyTimeout, checkpointer: checkpointer)
    }

    private init(memory connection: DatabaseQueue) throws {
        try Self.migrate(connection)
        readers = ReaderPool(shared: connection)
        writerConnection = connection
        writer = WriterThread(connection: connection, busyTimeout: Self.defaultBusyTimeout, checkpointer: nil)
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
        try writerConnection.inDatabase { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The `synchronous` setting of the connection that commits (2: FULL).
    public func synchronousSetting() throws -> Int {
        try writerConnection.inDatabase { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Runs raw SQL in a write transaction, outside the writer thread: a hook for tests (`@testable import`) that
    /// need to damage or inspect the file in ways the ``Store`` API does not allow.
    func executeRawSQL(_ sql: String) throws {
        try writerConnection.write { try $0.execute(sql: sql) }
    }

    /// Runs `body` on a consistent snapshot, on the calling thread; `body` gets a reader only (SQLite refuses
    /// writes on read-only connections).
    public func read<T: Sendable>(_ body: @Sendable (any StoreReader) throws -> T) async throws -> T {
        try readers.read { try body(SQLiteReader(db: $0)) }
    }

    /// Runs `body` on the writer thread as one unit of work of the next batch (when it throws, only its own writes
    /// are undone) and returns its result once the batch committed.
    public func write<T: Sendable>(_ body: @Sendable (any StoreWriter) throws -> T) async throws -> T {
        try await write(body, whenQueued: {})
    }

    /// ``write(_:)``; units are performed in the order they were queued, and `whenQueued` runs while this unit
    /// is being queued (no unit can be queued meanwhile).
    public func write<T: Sendable>(
        _ body: @Sendable (any StoreWriter) throws -> T, whenQueued: @escaping @Sendable () -> Void
    ) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            try await withUnsafeThrowingContinuation { continuation in
                writer.submit(QueuedWrite(body, continuation), whenQueued: whenQueued)
            }
        }
    }

    /// Always: an embedded database has no other gateway to share cluster-wide work with.
    public func holdsRole(_ role: String) async -> Bool { true }

    /// Runs `body` at once: the core already makes this process's writers take turns, and there is no other
    /// gateway on an embedded database.
    public nonisolated(nonsending) func takingTurns<T: Sendable>(key: Int64, _ body: nonisolated(nonsending) () async throws -> T) async throws -> T {
        try await body()
    }

    /// Never: there is no other gateway.
    public func isTurnTaken(key: Int64) -> Bool { false }

    /// A synchronous read on one snapshot, on the calling thread, for exporting the data (`Export.swift`).
    func exportSnapshot<T>(_ body: (Database) throws -> T) throws -> T {
        try readers.read(body)
    }
}
