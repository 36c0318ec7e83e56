import Foundation
import GRDB
import MetagovCore

/// The one thread that writes to the database.
///
/// Callers of ``SQLiteStore/write(_:)`` queue a ``WriteUnit`` and suspend. The thread takes every unit queued
/// so far as one batch and commits it as one immediate transaction: a unit whose body throws (a failed check, an
/// optimistic-concurrency conflict, a constraint) loses its own writes and its caller gets the error, while the
/// others commit together. Every caller is answered after the commit returned, so a caller sees success only
/// for data SQLite has committed (group commit: one commit, and one sync of the log, for the whole batch).
///
/// Units run without savepoints of their own: a savepoint makes SQLite copy every page a unit changes into its
/// statement journal first (a quarter of the writer's time for a process start). A unit that throws before it
/// changed a row (most failures: conflicts and checks come first, and a statement SQLite refuses changes
/// nothing) simply fails. One that throws after it changed rows cannot be undone alone: the transaction is rolled
/// back and the batch performed again without it, each unit in a savepoint this time (as PostgreSQL's writer
/// does; ``WriteUnit/perform(_:)`` may be called again).
///
/// Waiting for the database (another process holding the write lock, up to the busy timeout) happens here and
/// nowhere else: the threads that serve the API only queue work and suspend. When the lock is not granted
/// within the busy timeout, every unit of the batch fails with ``StoreError/unavailable(_:)``.
final class WriterThread: @unchecked Sendable {
    private let connection: DatabaseQueue
    private let busyTimeout: Double
    private let checkpointer: Checkpointer?
    private let metrics = StoreBatchMetrics()
    private let queue = WriteQueue()

    /// - Parameters:
    ///   - connection: the one connection that writes (nothing else may write through it).
    ///   - checkpointer: who checkpoints the log of a file database, for as long as this thread runs.
    init(connection: DatabaseQueue, busyTimeout: Double, checkpointer: Checkpointer?) {
        self.connection = connection
        self.busyTimeout = busyTimeout
        self.checkpointer = checkpointer
        if let checkpointer { connection.inDatabase { checkpointer.watch($0) } }
        NamedThread.start("sqlite-writer") { [self] in run() }
    }

    /// Queues `unit`; it is performed and finished on the writer thread, after every unit queued before it.
    /// `whenQueued` runs once the unit is queued, before any other unit can be.
    func submit(_ unit: any WriteUnit, whenQueued: () -> Void) { queue.submit(unit, whenQueued: whenQueued) }

    /// Lets the thread finish what is queued, then end.
    func stop() { queue.stop() }

    private func run() {
        while let batch = queue.nextBatch() { commit(batch) }
        if let checkpointer { connection.inDatabase { checkpointer.unwatch($0) } }
    }

    /// Commits `batch` in one transaction, then answers every unit.
    private func commit(_ batch: [any WriteUnit]) {
        var failures = [(any Error)?](repeating: nil, count: batch.count)
        let started = ContinuousClock.now
        metrics.unitsPerTransaction.record(batch.count)
        do {
            try connection.inDatabase { db in
                var savepointEachUnit = false
                while true {
                    try db.run("BEGIN IMMEDIATE")
                    do {
                        if let failedAfterWriting = try perform(batch, db, &failures, savepointEachUnit: savepointEachUnit) {
                            // Its writes cannot be undone alone: the batch again, without it, a savepoint per unit.
                            try db.run("ROLLBACK")
                            metrics.redoneTransactions.increment()
                            failures = failures.indices.map { $0 == failedAfterWriting.index ? failedAfterWriting.error : nil }
                            savepointEachUnit = true
                            continue
                        }
                        try db.run("COMMIT")
                        return
                    } catch {
                        if db.isInsideTransaction { try? db.run("ROLLBACK") }
                        throw error
                    }
                }
            }
        } catch {
            metrics.failedTransactions.increment()
            let failure = translate(error)
            for index in failures.indices where failures[index] == nil { failures[index] = failure }
        }
        metrics.transaction.recordElapsed(since: started)
        for (unit, failure) in zip(batch, failures) { unit.finish(failure) }
    }

    /// Performs the units of `batch` that have not failed yet, in the open transaction, noting in `failures` those
    /// that throw. Returns the first unit that threw after it had changed rows (when units have no savepoint of
    /// their own), at once: the transaction must then be rolled back whole.
    private func perform(
        _ batch: [any WriteUnit], _ db: Database, _ failures: inout [(any Error)?], savepointEachUnit: Bool
    ) throws -> (index: Int, error: any Error)? {
        let memo = BatchMemo()
        for (index, unit) in batch.enumerated() where failures[index] == nil {
            let changesBefore = db.totalChangesCount
            do {
                if savepointEachUnit {
                    try db.inUnitSavepoint { try unit.perform(SQLiteWriter(db: db, batch: memo)) }
                } else {
                    try unit.perform(SQLiteWriter(db: db, batch: memo))
                }
            } catch {
                // SQLite ends the whole transaction on some errors (I/O, full disk): nothing of the batch is kept.
                if !db.isInsideTransaction { throw BatchAborted(cause: error) }
                if !savepointEachUnit && db.totalChangesCount != changesBefore { return (index, error) }
                memo.forget()
                failures[index] = error
            }
        }
        return nil
    }

    /// What callers are told when their batch could not commit.
    private func translate(_ error: any Error) -> any Error {
        let error = (error as? BatchAborted)?.cause ?? error
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_BUSY {
            let waited = busyTimeout == busyTimeout.rounded() ? String(Int(busyTimeout)) : String(busyTimeout)
            return StoreError.unavailable(
                "the database is locked by another process: the write waited \(waited) s for the lock; try again")
        }
        return error
    }
}

/// SQLite rolled the batch's transaction back while running one of its units.
private struct BatchAborted: Error {
    let cause: any Error
}

