import GRDB
import GRDBSQLite

extension Database {
    /// Makes SQLite report to `checkpointer` (through ``Checkpointer/logGrew(to:)``) every commit after which
    /// the write-ahead log holds at least ``Checkpointer/threshold`` pages, instead of checkpointing on this
    /// connection. The caller keeps `checkpointer` alive until ``restoreAutomaticCheckpoints(threshold:)``.
    func reportLogGrowth(to checkpointer: Checkpointer) {
        guard let handle = sqliteConnection else { return }
        // Replaces the automatic checkpoint, which is itself a log hook.
        sqlite3_wal_hook(handle, { context, _, _, pages in
            if let context, pages >= Checkpointer.threshold {
                Unmanaged<Checkpointer>.fromOpaque(context).takeUnretainedValue().logGrew(to: pages)
            }
            return SQLITE_OK
        }, Unmanaged.passUnretained(checkpointer).toOpaque())
    }

    /// Ends ``reportLogGrowth(to:)``: this connection checkpoints by itself again at `threshold` pages.
    func restoreAutomaticCheckpoints(threshold: Int32) {
        if let handle = sqliteConnection { sqlite3_wal_autocheckpoint(handle, threshold) }
    }
}
