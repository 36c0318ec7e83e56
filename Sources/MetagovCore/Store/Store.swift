/// Persistence for the governance core, behind which any database can sit.
///
/// All access happens in transactions: ``read(_:)`` runs its body on a consistent snapshot, ``write(_:)``
/// runs its body in one write transaction that commits when the body returns and rolls back when it throws.
/// Implementations must be safe to call from many threads at once (one writer, concurrent readers) and must
/// not be called from an event loop: calls block until the database answers.
public protocol Store: Sendable {
    /// Runs `body` in a read-only transaction.
    func read<T>(_ body: (any StoreReader) throws -> T) throws -> T
    /// Runs `body` in a write transaction; commits on return, rolls back on a thrown error.
    func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T
}

/// Failures a store reports in terms of the domain.
public enum StoreError: Error, Sendable, Equatable {
    /// A uniqueness constraint was violated; `what` names the conflicting object (e.g. "community 'x'").
    case alreadyExists(String)
    /// An optimistic-concurrency check failed: the record changed since it was read.
    case conflict(String)
    /// A referenced object does not exist.
    case notFound(String)
}
