/// One caller's unit of work waiting for a store's writer thread (SQLite's, PostgreSQL's): its body, and the
/// continuation of the suspended caller. Only the writer thread touches it after submission.
package protocol WriteUnit: AnyObject {
    /// Runs the body inside the open transaction with `writer`; throws what the body throws. Called again when
    /// the writer rolled back what an earlier call wrote (PostgreSQL's writer performs the units queued after one
    /// that failed again, see its `WriterThread`): a body acts through `writer` only.
    func perform(_ writer: any StoreWriter) throws
    /// Answers the caller: the body's result when `error` is nil (the transaction committed), else `error`.
    func finish(_ error: (any Error)?)
}

/// A ``WriteUnit`` producing a `T`.
///
/// The body is the caller's non-escaping closure (made escapable for the time the caller is suspended): it is
/// released when the unit is finished, before the caller is resumed, so it never outlives the caller's `write`
/// call.
package final class QueuedWrite<T: Sendable>: WriteUnit {
    private var body: (@Sendable (any StoreWriter) throws -> T)?
    private var result: T?
    private let continuation: UnsafeContinuation<T, any Error>

    package init(_ body: @escaping @Sendable (any StoreWriter) throws -> T, _ continuation: UnsafeContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    package func perform(_ writer: any StoreWriter) throws {
        guard let body else { return }
        result = nil
        result = try body(writer)
    }

    package func finish(_ error: (any Error)?) {
        body = nil
        if let error {
            continuation.resume(throwing: error)
        } else if let result {
            continuation.resume(returning: result)
        } else {
            // Unreachable: the writer finishes a unit without an error only after performing it.
            continuation.resume(throwing: MetagovError(.internal, "a write was answered before it was performed"))
        }
        result = nil
    }
}
