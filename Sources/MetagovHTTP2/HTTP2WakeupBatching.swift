import NIOCore
import NIOPosix
import Synchronization

/// Lets a worker thread that produces output for many streams postpone waking their event loops
/// until it has finished a batch of work: one loop wake-up (and context switch) per batch
/// instead of one per response.
package enum HTTP2WakeupBatching {
    final class Batch: @unchecked Sendable {
        // Only touched by the thread that owns the batch.
        var active = false
        var wakers: [HTTP2StreamWaker] = []
    }

    static let current = ThreadSpecificVariable<Batch>()

    /// Runs `body`; event-loop wake-ups requested by this thread meanwhile are issued once at
    /// the end. Nested calls join the outer batch.
    package static func withBatchedWakeups<R>(_ body: () throws -> R) rethrows -> R {
        let batch: Batch
        if let existing = self.current.currentValue {
            if existing.active { return try body() }
            batch = existing
        } else {
            batch = Batch()
            batch.wakers.reserveCapacity(8)
            self.current.currentValue = batch
        }
        batch.active = true
        defer {
            batch.active = false
            let wakers = batch.wakers
            batch.wakers.removeAll(keepingCapacity: true)
            for waker in wakers {
                waker.scheduleDrain()
            }
        }
        return try body()
    }
}
