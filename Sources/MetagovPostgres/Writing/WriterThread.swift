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
/// The units' statements are pipelined: what a body does not need the answer of is sent without waiting, also
/// across units, and units get no savepoint of their own, so a batch costs a few round trips (and a unit a
/// statement or a few) rather than several round trips per unit. A unit that fails after it ran statements, or
/// whose failure shows only after later units were performed (a write sent without waiting that a constraint
/// or a check refused), rolls the transaction back: the batch is then performed again without the failed unit,
/// each unit in a savepoint and settled before the next starts, so that the failed unit is the only one to fail
/// for it.
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
    private let queue = WriteQueue()

    /// - Parameter origin: this store's name in its notifications, so that it can ignore its own.
    init(connection: BlockingConnection, busyTimeout: Double, origin: String) {
        self.connection = connection
        self.busyTimeout = busyTimeout
        self.origin = origin
        NamedThread.start("postgres-writer") { [self] in run() }
    }

    /// Queues `unit`; it is performed and finished on the writer thread, after every unit queued before it.
    /// `whenQueued` runs once the unit is queued, before any other unit can be.
    func submit(_ unit: any WriteUnit, whenQueued: () -> Void) { queue.submit(unit, whenQueued: whenQueued) }

    /// Lets the thread finish what is queued, then end.
    func stop() { queue.stop() }

    private func run() {
        while let batch = queue.nextBatch() { commit(batch) }
        connection.close()
    }

    /// Commits `batch` in one transaction, a savepoint per unit, then answers every unit.
    private func commit(_ batch: [any WriteUnit]) {
        var failures = [(any Error)?](repeating: nil, count: batch.count)
        let started = ContinuousClock.now
        metrics.unitsPerTransaction.record(batch.count)
        do {
            var failedLate: [Int: any Error] = [:]
            var settling = false
            attempts: while true {
                // The transaction cannot be rolled back to a failed unit's start: it is rolled back whole and the
                // batch performed again (without that unit, when it is known), each unit in a savepoint and
                // settled at its end this time.
                switch try attempt(batch, failures: &failures, settlingEachUnit: settling) {
                case .committed:
                    break attempts
                case .unitFailed(let index, let error):
                    failedLate[index] = error
                case .severalUnitsFailed:
                    // Settling each unit, every failure is a unit's own: this does not happen twice.
                    guard !settling else { throw StoreError.unavailable("a write batch failed twice; try again") }
                }
                connection.finish()
                metrics.redoneTransactions.increment()
                failures = failures.indices.map { failedLate[$0] }
                settling = true
            }
        } catch {
            metrics.failedTransactions.increment()
            connection.finish()
            for index in failures.indices where failures[index] == nil { failures[index] = error }
        }
        connection.unit = nil
        metrics.transaction.recordElapsed(since: started)
        for (unit, failure) in zip(batch, failures) { unit.finish(failure) }
    }

    /// How an attempt at committing a batch ended.
    private enum Attempt {
        case committed
        /// The unit at `index` failed with `error` where its writes cannot be undone alone: it had no savepoint,
        /// or units queued after it were performed (their statements were refused, or built on its writes).
        case unitFailed(index: Int, error: any Error)
        /// A statement held back for one or several units failed (``HeldBackWrites``): which unit's write it
        /// refused shows when each unit is settled alone.
        case severalUnitsFailed
    }

    /// Performs the units of `batch` that did not fail in an earlier attempt (`failures`) and commits. A unit's
    /// statements are sent without waiting as far as its body allows (see ``PostgresWriter``): they settle at the
    /// next awaited statement, of this unit or a later one, or before the commit. A failure found after later
    /// units were performed, or one of a unit that ran statements, ends the attempt (the transaction cannot be
    /// rolled back to the unit's start). With `settlingEachUnit`, each unit runs in a savepoint and its
    /// statements settle at its end: a failing unit is rolled back alone and the others go on.
    private func attempt(_ batch: [any WriteUnit], failures: inout [(any Error)?], settlingEachUnit: Bool) throws -> Attempt {
        try connection.open()
        connection.unit = nil
        // Sent, not awaited: the first awaited statement waits for the lock too.
        connection.send("BEGIN")
        connection.send("SELECT pg_advisory_xact_lock($1)", binds(AdvisoryLock.write))
        let knowledge = BatchKnowledge()
        let heldBack = HeldBackWrites()
        connection.beforeStatement = { heldBack.send(on: $0, except: $1) }
        defer { connection.beforeStatement = nil }
        var unitEffects: [WriteEffects] = []
        for (index, unit) in batch.enumerated() where failures[index] == nil {
            let writer = PostgresWriter(connection: connection, effects: WriteEffects(), batch: knowledge, heldBack: heldBack)
            knowledge.unitBegins()
            connection.unit = index
            let statementsBefore = connection.statements
            if settlingEachUnit { connection.send("SAVEPOINT unit") }
            do {
                try unit.perform(writer)
                if settlingEachUnit { try connection.sync() }
                // A body may have swallowed an earlier unit's failure.
                if let earlier = connection.earlierFailure { return try unitFailed(earlier) }
                if settlingEachUnit { connection.send("RELEASE SAVEPOINT unit") }
                unitEffects.append(writer.effects)
            } catch {
                // What the unit sent before the body threw settles first: an earlier unit's failure ends the
                // attempt, the unit's own is its failure (before what the body threw after it).
                var failure = error
                do { try connection.sync() } catch { failure = error }
                if let earlier = connection.earlierFailure { return try unitFailed(earlier) }
                // Not getting the lock aborts the transaction: the whole batch fails.
                if PostgresFailure.sqlState(failure) == "55P03" { throw lockTimeout() }
                knowledge.unitFailed()
                if settlingEachUnit {
                    connection.send("ROLLBACK TO SAVEPOINT unit")
                    connection.send("RELEASE SAVEPOINT unit")
                } else if connection.statements != statementsBefore {
                    return .unitFailed(index: index, error: failure)
                }
                failures[index] = failure
            }
        }
        connection.unit = nil
        if knowledge.cursorMoved, let last = knowledge.lastCursor {
            connection.send("UPDATE event_log_state SET last_cursor = $1 WHERE id = 1", binds(last))
        }
        let effects = WriteEffects()
        for unit in unitEffects { effects.merge(unit) }
        if let notice = ChangeNotice(origin: origin, changes: effects.changes) {
            connection.send("SELECT pg_notify($1, $2)", binds(ChangeNotice.channel, notice.payload))
        }
        // Every unit's statements settle (and their checks hold) before the commit, so that no failed unit is
        // committed.
        do {
            try connection.sync()
            try connection.run("COMMIT")
        } catch {
            if let earlier = connection.earlierFailure { return try unitFailed(earlier) }
            if PostgresFailure.sqlState(error) == "55P03" { throw lockTimeout() }
            throw error
        }
        return .committed
    }

    /// The attempt's end for a failure found after its unit: the whole batch fails when it is the batch's own
    /// statements' (the lock not granted).
    private func unitFailed(_ earlier: EarlierUnitFailure) throws -> Attempt {
        switch earlier.units.count {
        case 0:
            if PostgresFailure.sqlState(earlier.error) == "55P03" { throw lockTimeout() }
            throw earlier.error
        case 1 where !earlier.heldBack:
            return .unitFailed(index: earlier.units[0], error: earlier.error)
        default:
            // Sent after later units' statements, it may have failed for what an earlier unit did not write.
            return .severalUnitsFailed
        }
    }

    /// What the units of a batch are told when the cluster-wide write lock was not granted within the busy
    /// timeout (the session's `lock_timeout`).
    private func lockTimeout() -> StoreError {
        let waited = busyTimeout == busyTimeout.rounded() ? String(Int(busyTimeout)) : String(busyTimeout)
        return StoreError.unavailable(
            "the database is locked by another process: the write waited \(waited) s for the write lock; try again")
    }
}
