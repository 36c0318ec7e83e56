import Foundation
import Logging
import MetagovCore
import PostgresNIO

/// The ``Store`` on PostgreSQL, for several gateways serving one deployment from one database.
///
/// - Reads run on a pool of blocking threads, each with its own connection, in repeatable-read read-only
///   transactions (one consistent snapshot per body).
/// - Writes go to one writer thread per process, which commits queued units of work together, each in its own
///   savepoint, under a cluster-wide write lock (see ``WriterThread``): event cursors follow commit order in the
///   whole cluster, and a caller is answered once its unit is durable.
/// - Each commit notifies the other gateways (`NOTIFY`), which wake their event subscribers and drop cached
///   plugin instances at once (``observeChanges(_:)``); a check every poll interval catches a missed
///   notification.
/// - Cluster-wide roles (the scheduler) and turns of retrying writers are session-level advisory locks
///   (``holdsRole(_:)``, ``takingTurns(key:_:)``).
/// - A database that is down or goes away fails calls with ``StoreError/unavailable(_:)``; connections are made
///   again on the next call, so the store recovers when the database is back.
///
/// The schema is created and upgraded when the store opens, by one gateway at a time.
public final class PostgresStore: Store {
    /// The database, without its password.
    public let url: PostgresURL
    private let readers: ConnectionThreads
    private let writer: WriterThread
    private let roles: RoleHolder
    private let turns: TurnTaker
    private let listener: ChangeListener

    /// Connects to the database at `url`, migrating it to the current schema. Throws
    /// ``StoreError/unavailable(_:)`` when it cannot be reached, ``PostgresStoreError/schemaFromNewerVersion(_:)``
    /// when a newer release already migrated it.
    public init(url: PostgresURL, options: PostgresStoreOptions = PostgresStoreOptions(), logger: Logger? = nil) throws {
        var logger = logger ?? Logger(label: "metagov.postgres")
        logger.logLevel = max(logger.logLevel, .notice)
        let origin = String(UUID().uuidString.prefix(8))
        let statementTimeout = String(Int(options.queryTimeout * 1000))
        let session = [("statement_timeout", statementTimeout), ("idle_in_transaction_session_timeout", statementTimeout)]
        let migration = try BlockingConnection(url: url, options: options, startup: session, logger: logger)
        try Migrator.migrate(migration)
        migration.close()

        self.url = url
        readers = ConnectionThreads(
            name: "pg-reader",
            connections: try (0..<options.poolSize).map { _ in
                try BlockingConnection(url: url, options: options, startup: session, logger: logger)
            })
        var writerOptions = options
        writerOptions.queryTimeout = max(options.queryTimeout, options.busyTimeout + 5)
        writer = WriterThread(
            connection: try BlockingConnection(
                url: url, options: writerOptions,
                startup: [("statement_timeout", String(Int(writerOptions.queryTimeout * 1000))),
                          ("idle_in_transaction_session_timeout", statementTimeout),
                          ("lock_timeout", String(max(1, Int(options.busyTimeout * 1000))))],
                logger: logger),
            busyTimeout: options.busyTimeout, origin: origin)
        roles = RoleHolder(connection: try BlockingConnection(url: url, options: options, startup: session, logger: logger))
        let turns = TurnTaker(
            connection: try BlockingConnection(url: url, options: options, startup: session, logger: logger), origin: origin)
        self.turns = turns
        listener = ChangeListener(
            configuration: try url.configuration(connectTimeout: options.connectTimeout, startup: [("application_name", ChangeListener.applicationName)]),
            origin: origin, options: options, turns: turns.remote, logger: logger)
    }

    /// ``init(url:options:logger:)`` with the URL as text; throws ``PostgresStoreError/invalidURL(_:)`` when it
    /// cannot be parsed.
    public convenience init(url: String, options: PostgresStoreOptions = PostgresStoreOptions(), logger: Logger? = nil) throws {
        try self.init(url: PostgresURL(url), options: options, logger: logger)
    }

    deinit { close() }

    /// Stops the threads (after what is queued) and closes the connections.
    public func close() {
        readers.stop()
        writer.stop()
        roles.stop()
        turns.stop()
        listener.stop()
    }

    /// Runs `body` on a pool thread in a repeatable-read, read-only transaction.
    public func read<T: Sendable>(_ body: @Sendable (any StoreReader) throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            try await withUnsafeThrowingContinuation { continuation in
                readers.submit(ReadJob(body, continuation))
            }
        }
    }

    /// Runs `body` on the writer thread as one unit of work of the next batch (when it throws, only its own writes
    /// are undone) and returns its result once the batch committed.
    public func write<T: Sendable>(_ body: @Sendable (any StoreWriter) throws -> T) async throws -> T {
        try await write(body, whenQueued: {})
    }

    /// ``write(_:)``; this gateway's units are performed in the order they were queued, and `whenQueued` runs
    /// while this unit is being queued (no unit can be queued meanwhile). Other gateways' units are not in that
    /// order: what they commit meanwhile is caught by the checks of the units' reads.
    public func write<T: Sendable>(
        _ body: @Sendable (any StoreWriter) throws -> T, whenQueued: @escaping @Sendable () -> Void
    ) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            try await withUnsafeThrowingContinuation { continuation in
                writer.submit(QueuedWrite(body, continuation), whenQueued: whenQueued)
            }
        }
    }

    /// Other gateways may share the database.
    public var hasPeers: Bool { true }

    /// Reports what other gateways commit (notifications, and a check of the log every poll interval).
    public func observeChanges(_ handler: @escaping @Sendable (StoreChange) -> Void) {
        listener.start(handler)
    }

    /// Whether this gateway holds `role`, taking it when no live gateway does.
    public func holdsRole(_ role: String) async -> Bool {
        await roles.holds(role)
    }

    /// Whether another gateway holds the turn for `key`, as far as its notifications tell.
    public func isTurnTaken(key: Int64) -> Bool { turns.remote.isTaken(key) }

    /// Runs `body` when no other gateway runs one for `key` (a cluster-wide turn).
    public nonisolated(nonsending) func takingTurns<T: Sendable>(key: Int64, _ body: nonisolated(nonsending) () async throws -> T) async throws -> T {
        try await turns.taking(key: key, body)
    }
}
