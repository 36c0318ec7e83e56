/// Persistence for the governance core, behind which any database can sit.
///
/// All access happens in transactions whose bodies are synchronous: ``read(_:)`` runs its body on a consistent
/// snapshot, ``write(_:)`` runs its body as one unit of work that commits when the body returns and rolls back
/// when it throws. Keeping the bodies synchronous keeps the core's transactional logic (checks, optimistic
/// concurrency, outbox rows) in one place for every backend, while the boundary is `async` so that no backend
/// makes its callers block:
///
/// - The SQLite store (`MetagovSQLite`) runs read bodies inline on the calling thread (WAL snapshot readers
///   never wait for the writer) and hands write bodies to one dedicated writer thread that commits many units
///   of work together; the caller suspends until its unit is durable.
/// - The PostgreSQL store (`MetagovPostgres`) runs read bodies on a pool of blocking threads, each with its own
///   connection, and write bodies on a writer thread that commits queued units together; the caller suspends
///   meanwhile.
///
/// Either way a caller of ``write(_:)`` is answered only after its unit of work committed (or failed), and a
/// body that waits on the database (another process holding a lock) never occupies a thread the API's handlers
/// need. Bodies must not call back into the store.
public protocol Store: Sendable {
    /// Runs `body` in a read-only transaction and returns its result.
    func read<T: Sendable>(_ body: @Sendable (any StoreReader) throws -> T) async throws -> T
    /// Runs `body` as one unit of work in a write transaction; returns its result once the unit is committed,
    /// rethrows its error (nothing it wrote is kept) when it throws.
    func write<T: Sendable>(_ body: @Sendable (any StoreWriter) throws -> T) async throws -> T
    /// ``write(_:)``, calling `whenQueued` once the unit has its place among the queued units of work: a backend
    /// that performs units in the order they were queued (the SQLite store does) calls it synchronously at that
    /// moment, so whatever `whenQueued` publishes (the core's record of writes not committed yet) is seen only by
    /// units queued after this one. A backend without such an order calls it before performing the unit.
    func write<T: Sendable>(
        _ body: @Sendable (any StoreWriter) throws -> T, whenQueued: @escaping @Sendable () -> Void
    ) async throws -> T

    /// Calls `handler` (on any thread, quickly) for every change other processes commit to the database, for a
    /// store that several processes share as peers (several gateways on one PostgreSQL). Embedded stores report
    /// nothing: another process there is an occasional admin command, which the caches' time limits cover.
    func observeChanges(_ handler: @escaping @Sendable (StoreChange) -> Void)

    /// Whether other processes share the database as peers (gateways on one PostgreSQL), whose commits this
    /// process hears of only through ``observeChanges(_:)``, a little later. Reads that must show every write
    /// already acknowledged by any gateway (`GetProcess` after a vote through another gateway) then go to the
    /// database instead of a cache. Embedded stores have none.
    var hasPeers: Bool { get }

    /// Whether this process holds the cluster-wide role `role` (e.g. "scheduler") now, acquiring it when it is
    /// free: work that must run once per cluster runs only where this is true. Embedded stores always hold it.
    /// A holder that dies loses the role, which another process then acquires on its next call.
    func holdsRole(_ role: String) async -> Bool

    /// Runs `body` once no other process sharing the database runs a `body` for the same `key`: writers whose
    /// units of work conflicted on one record take turns across processes, as they do within one (see
    /// `Metagov.runUnitOfWork`). Embedded stores have no other process to wait for.
    func takingTurns<T: Sendable>(key: Int64, _ body: () async throws -> T) async throws -> T

    /// Whether another process holds the turn for `key` now, as far as this store knows without asking the
    /// database (writers then take turns at once rather than race the writer whose turn it is).
    func isTurnTaken(key: Int64) -> Bool
}

extension Store {
    public func observeChanges(_ handler: @escaping @Sendable (StoreChange) -> Void) {}

    public var hasPeers: Bool { false }
}
