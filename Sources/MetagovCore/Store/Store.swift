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
/// - A client/server database (PostgreSQL) would run both kinds of bodies on a pool of blocking threads, the
///   caller suspending meanwhile.
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
}

/// Failures a store reports in terms of the domain.
public enum StoreError: Error, Sendable, Equatable {
    /// A uniqueness constraint was violated; `what` names the conflicting object (e.g. "community 'x'").
    case alreadyExists(String)
    /// An optimistic-concurrency check failed: the record changed since it was read.
    case conflict(String)
    /// A referenced object does not exist.
    case notFound(String)
    /// The database could not take the write now (another process held its write lock past the busy timeout);
    /// the caller may retry later. The message says what happened.
    case unavailable(String)
}

extension Store {
    /// ``read(_:)`` with store failures translated into ``MetagovError``s.
    func readTranslatingErrors<T: Sendable>(_ body: @Sendable (any StoreReader) throws -> T) async throws -> T {
        do { return try await read(body) } catch let error as StoreError { throw MetagovError.fromStore(error) }
    }

    /// ``write(_:)`` with store failures translated into ``MetagovError``s.
    func writeTranslatingErrors<T: Sendable>(_ body: @Sendable (any StoreWriter) throws -> T) async throws -> T {
        do { return try await write(body) } catch let error as StoreError { throw MetagovError.fromStore(error) }
    }
}
