import Foundation
import MetagovCore

/// The one thread of this process that writes to PostgreSQL, with its own connection.
///
/// Callers of ``PostgresStore/write(_:)`` queue a ``WriteUnit`` and suspend. The thread takes every unit queued
/// so far as one batch and commits it as one transaction, each unit in its own savepoint: a unit whose body
/// throws (a failed check, an optimistic-concurrency conflict, a constraint) is rolled back alone and its caller
/// gets the error, while the others commit together (group commit: one commit, one flush of the WAL, for the
/// batch). Every caller is answered after the commit returned, so success means durable.
///
/// Every batch first takes the cluster-wide write lock (a transaction-level advisory lock): write transactions
/// of all gateways on the database commit one after another. That is what keeps the event log in one order
/// everywhere (cursors are assigned in commit order, see ``EventRow``) and what makes a batch free of
/// deadlocks (no write ever waits for a row another write holds). Reads never take it. Waiting for it longer
/// than the busy timeout fails the batch with ``StoreError/unavailable(_:)``.
///
/// The commit carries a notification (``ChangeNotice``) of what the batch changed, for the other gateways.
final class WriterThread: @unchecked Sendable {
    private let connection: BlockingConnection
    private let busyTimeout: Double
    private let origin: String
    private let metrics = StoreBatchMetrics()
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [any WriteUnit] = []
    private var stopping = false

    /// - Parameter origin: this store's name in its notifications, so that it can ignore its own.
    init(connection: BlockingConnection, busyTimeout: Double, origin: String) {
        self.connection = connection
        self.busyTimeout = busyTimeout
        self.origin = origin
        let thread = Thread { [self] in run() }
        thread.name = "metagov-postgres-writer"
        thread.start()
    }

    /// Queues `unit`; it is performed and finished on the writer thread, after every unit queued before it.
    /// `whenQueued` runs once the unit is queued, before any other unit can be.
    func submit(_ unit: any WriteUnit, whenQueued: () -> Void) {
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

    /// Lets the thread finish what is queued, then end.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while let batch = nextBatch() { commit(batch) }
        connection.close()
    }

    private func nextBatch() -> [any WriteUnit]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty {
            if stopping { return nil }
            condition.wait()
        }
        let batch = queue
        queue.removeAll(keepingCapacity: true)
        return batch
    }

    /// Commits `batch` in one transaction, a savepoint per unit, then answers every unit.
    private func commit(_ batch: [any WriteUnit]) {
        var failures = [(any Error)?](repeating: nil, count: batch.count)
        let effects = WriteEffects()
        let started = ContinuousClock.now
        metrics.unitsPerTransaction.record(batch.count)
        do {
            try connection.open()
            // Sent, not awaited: the first statement of the first unit waits for the lock too.
            connection.send("BEGIN")
            connection.send("SELECT pg_advisory_xact_lock($1)", binds(AdvisoryLock.write))
            let knowledge = BatchKnowledge()
            for (index, unit) in batch.enumerated() {
                let writer = PostgresWriter(connection: connection, effects: WriteEffects(), batch: knowledge)
                knowledge.unitBegins()
                connection.send("SAVEPOINT unit")
                do {
                    try unit.perform(writer)
                    // The unit's sent statements settled (and their checks held) before its savepoint is released.
                    try connection.sync()
                    connection.send("RELEASE SAVEPOINT unit")
                    effects.merge(writer.effects)
                } catch {
                    // A statement the unit sent before the body threw failed first: that is the unit's failure.
                    var failure = error
                    do { try connection.sync() } catch let earlier { failure = earlier }
                    // Not getting the lock aborts the transaction: the whole batch fails.
                    if PostgresFailure.sqlState(failure) == "55P03" { throw lockTimeout() }
                    failures[index] = failure
                    knowledge.unitFailed()
                    connection.send("ROLLBACK TO SAVEPOINT unit")
                    connection.send("RELEASE SAVEPOINT unit")
                }
            }
            if let notice = ChangeNotice(origin: origin, changes: effects.changes) {
                connection.send("SELECT pg_notify($1, $2)", binds(ChangeNotice.channel, notice.payload))
            }
            do {
                try connection.run("COMMIT")
            } catch where PostgresFailure.sqlState(error) == "55P03" {
                throw lockTimeout()
            }
        } catch {
            metrics.failedTransactions.increment()
            connection.finish()
            for index in failures.indices where failures[index] == nil { failures[index] = error }
        }
        metrics.transaction.recordElapsed(since: started)
        for (unit, failure) in zip(batch, failures) { unit.finish(failure) }
    }

    /// What the units of a batch are told when the cluster-wide write lock was not granted within the busy
    /// timeout (the session's `lock_timeout`).
    private func lockTimeout() -> StoreError {
        let waited = busyTimeout == busyTimeout.rounded() ? String(Int(busyTimeout)) : String(busyTimeout)
        return StoreError.unavailable(
            "the database is locked by another process: the write waited \(waited) s for the write lock; try again")
    }
}
