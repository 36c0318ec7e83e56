import GRDB

/// Transactions driven by prepared statements cached on the connection, instead of GRDB's transaction helpers
/// (which prepare `BEGIN`, `COMMIT` and `SAVEPOINT` anew and check the schema on every access).
extension Database {
    /// Runs `body` in a deferred read transaction: every statement of the body sees one snapshot.
    func inReadTransaction<T>(_ body: () throws -> T) throws -> T {
        try run("BEGIN DEFERRED")
        do {
            let value = try body()
            try run("COMMIT")
            return value
        } catch {
            try? run("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` in the savepoint `unit` of the open transaction: released when it returns, rolled back
    /// (and released) when it throws. The transaction itself goes on either way, unless SQLite ended it.
    func inUnitSavepoint(_ body: () throws -> Void) throws {
        try run("SAVEPOINT unit")
        do {
            try body()
        } catch {
            if isInsideTransaction {
                try run("ROLLBACK TO unit")
                try run("RELEASE unit")
            }
            throw error
        }
        try run("RELEASE unit")
    }
}
