import Foundation
import GRDB
import MetagovCore

/// The one thread that writes to the database.
///
/// Callers of ``SQLiteStore/write(_:)`` queue a ``WriteUnit`` and suspend. The thread takes every unit queued
/// so far as one batch and commits it as one immediate transaction, each unit in its own savepoint: a unit
/// whose body throws (a failed check, an optimistic-concurrency conflict, a constraint) is rolled back alone
/// and its caller gets the error, while the others commit together. Every caller is answered after the commit
/// returned, so a caller sees success only for data SQLite has committed (group commit: one commit, and one
/// sync of the log, for the whole batch).
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

    /// Commits `batch` in one transaction, a savepoint per unit, then answers every unit.
    private func commit(_ batch: [any WriteUnit]) {
        var failures = [(any Error)?](repeating: nil, count: batch.count)
        let started = ContinuousClock.now
        metrics.unitsPerTransaction.record(batch.count)
        do {
            try connection.inDatabase { db in
                try db.run("BEGIN IMMEDIATE")
                let memo = BatchMemo()
                do {
                    for (index, unit) in batch.enumerated() {
                        do {
                            try db.inUnitSavepoint { try unit.perform(SQLiteWriter(db: db, batch: memo)) }
                        } catch {
                            memo.forget()
                            failures[index] = error
                            // SQLite ends the whole transaction on some errors (I/O, full disk): nothing of
                            // the batch is kept then.
                            if !db.isInsideTransaction { throw BatchAborted(cause: error) }
                        }
                    }
                    try db.run("COMMIT")
                } catch {
                    if db.isInsideTransaction { try? db.run("ROLLBACK") }
                    throw error
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

