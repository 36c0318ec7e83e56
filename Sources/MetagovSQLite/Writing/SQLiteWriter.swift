import GRDB
import MetagovCore

/// The ``StoreWriter`` handed to ``SQLiteStore/write(_:)`` bodies: the reads of ``SQLiteReading`` plus the
/// writes in per-concern extensions.
struct SQLiteWriter: SQLiteReading, StoreWriter {
    let db: Database
    /// What the batch's units read before this one.
    let batch: BatchMemo

    /// The subscriptions of `community`, as the batch read them (see ``BatchMemo``).
    func webhookSubscriptions(community: String?) throws -> [WebhookSubscription] {
        try batch.webhookSubscriptions(community: community) { try storedWebhookSubscriptions(community: community) }
    }

    /// Runs a cached statement.
    func execute(_ sql: String, _ arguments: SQLArguments = []) throws {
        try db.run(sql, arguments)
    }

    /// Runs a cached statement and returns how many rows it changed (cascades not counted).
    func executeCountingChanges(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try execute(sql, arguments)
        return db.changesCount
    }

    /// Runs `body`, turning the constraint violations the caller expects into ``StoreError``s: a uniqueness
    /// violation into ``StoreError/alreadyExists(_:)`` naming `alreadyExists()`, a foreign key violation into
    /// ``StoreError/notFound(_:)`` naming `notFound()`. The closures only run on failure, so they may query.
    /// SQLite undoes just the failed statement, so a body that catches the error may go on writing.
    func translatingConstraints<T>(
        alreadyExists: () throws -> String? = { nil }, notFound: () throws -> String? = { nil },
        _ body: () throws -> T
    ) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
                if let what = try alreadyExists() { throw StoreError.alreadyExists(what) }
            case .SQLITE_CONSTRAINT_FOREIGNKEY:
                if let what = try notFound() { throw StoreError.notFound(what) }
            default:
                break
            }
            throw error
        }
    }
}
