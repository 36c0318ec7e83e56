import Foundation

/// The queue between the callers of a store's `write` and its one writer thread (SQLite's, PostgreSQL's): callers
/// add units and suspend; the thread takes everything queued so far as one batch (group commit), in order.
package final class WriteQueue: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [any WriteUnit] = []
    private var stopping = false

    package init() {}

    /// Queues `unit`, to be performed after every unit queued before it; a stopped queue answers it at once with
    /// ``StoreError/unavailable(_:)``. `whenQueued` runs once the unit is queued, before any other unit can be.
    package func submit(_ unit: any WriteUnit, whenQueued: () -> Void) {
        condition.lock()
        guard !stopping else {
            condition.unlock()
            unit.finish(StoreError.unavailable("the database is closed"))
            return
        }
        queue.append(unit)
        whenQueued()
        condition.signal()
        condition.unlock()
    }

    /// Accepts nothing more; ``nextBatch()`` still hands out what is queued, then nil.
    package func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// Everything queued, waiting for work when there is none; nil once stopped with nothing left.
    ///
    /// The thread does not take what is queued at once (neither the first unit after a wait nor what queued up
    /// during its last commit): it gives the processor away and takes the batch once the queue stopped growing
    /// between two turns (or holds ``collectingLimit`` units). Where the callers share the processor with the
    /// writer, they queue what they were preparing meanwhile, and one commit (one sync of the log and one write
    /// of each page the units share, the fixed cost of every batch) serves them all instead of a commit for the
    /// first and another for the rest. An idle processor hands the turn straight back: nothing is waited for.
    package func nextBatch() -> [any WriteUnit]? {
        condition.lock()
        defer { condition.unlock() }
        guard queue.isEmpty else { return takeAll() }
        while queue.isEmpty {
            if stopping { return nil }
            condition.wait()
        }
        var seen = 0
        while queue.count > seen, queue.count < Self.collectingLimit, !stopping {
            seen = queue.count
            condition.unlock()
            sched_yield()
            condition.lock()
        }
        return takeAll()
    }

    /// The size at which a thread that waited stops letting the batch grow before taking it.
    static let collectingLimit = 1024

    private func takeAll() -> [any WriteUnit] {
        let batch = queue
        queue.removeAll(keepingCapacity: true)
        return batch
    }
}
