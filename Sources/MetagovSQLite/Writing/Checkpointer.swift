import Foundation
import GRDB
import MetagovCore

/// Copies the write-ahead log back into the database file on its own thread and connection, so that the writer
/// thread never stops committing to do it.
///
/// SQLite's automatic checkpoint runs inside the commit that makes the log reach its threshold, holding up every
/// unit of that batch (and the batches queued behind it) while pages are copied and the database file is synced.
/// Here the writer's connection does not checkpoint: after each commit SQLite reports the log's size to
/// ``logGrew(to:)``, and once it holds ``threshold`` pages this thread runs a passive checkpoint, which neither
/// waits for nor blocks the writer or the readers. The log is reused from its start once a checkpoint has copied
/// it all and no reader still needs it.
final class Checkpointer: @unchecked Sendable {
    /// Log pages that make a checkpoint due (SQLite's own default threshold).
    static let threshold: Int32 = 1000

    private let connection: DatabaseQueue
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var due = false
    private var stopping = false

    /// - Parameter connection: a connection of its own to the database (it only checkpoints).
    init(connection: DatabaseQueue) {
        self.connection = connection
        NamedThread.start("sqlite-checkpt") { [self] in run() }
    }

    /// Makes the writer's connection `db` report its commits here instead of checkpointing itself, until
    /// ``unwatch(_:)``; the caller keeps this object alive meanwhile.
    func watch(_ db: Database) {
        db.reportLogGrowth(to: self)
    }

    /// Stops reports from `db` (the automatic checkpoint comes back) and ends the thread.
    func unwatch(_ db: Database) {
        db.restoreAutomaticCheckpoints(threshold: Self.threshold)
        stop()
    }

    /// The log holds `pages` pages after a commit.
    func logGrew(to pages: Int32) {
        condition.lock()
        due = true
        condition.signal()
        condition.unlock()
    }

    private func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while waitUntilDue() {
            // A checkpoint that cannot finish now (a reader on an old snapshot) is simply tried again later.
            _ = try? connection.inDatabase { try $0.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        }
    }

    /// Waits for a due checkpoint; false once stopped.
    private func waitUntilDue() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !due && !stopping { condition.wait() }
        due = false
        return !stopping
    }
}
