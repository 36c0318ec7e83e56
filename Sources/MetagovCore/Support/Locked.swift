import Synchronization

/// A value guarded by a mutex, for the few places the core shares mutable state across tasks.
///
/// The value sits beside a `Mutex<Void>` rather than inside a `Mutex<Value>`: this class is generic, and its
/// deinit destroying a `Mutex<Value>` asked the runtime for that type's metadata (a hashed cache lookup) on every
/// release. Units of work create and drop several of these per call (2% of a handler thread under a write load).
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let mutex = Mutex(())
    /// Read and written only while `mutex` is held.
    @exclusivity(unchecked) private var guarded: Value

    init(_ value: Value) { guarded = value }

    func withLock<R: Sendable>(_ body: (inout Value) throws -> R) rethrows -> R {
        try mutex.withLock { _ in try body(&guarded) }
    }

    var value: Value { mutex.withLock { _ in guarded } }
}
