import GRDB
import Synchronization

/// The connections reads run on. A read runs on the calling thread: it takes an idle read-only connection,
/// or opens one when every connection is in use, so that a reader never waits for another reader; the pool
/// thus grows to the number of threads that read at once. An in-memory store has a single connection, shared
/// with its writer.
final class ReaderPool: Sendable {
    private enum Source: Sendable {
        case file(open: @Sendable () throws -> DatabaseQueue)
        case shared(DatabaseQueue)
    }

    private let source: Source
    private let idle = Mutex<[DatabaseQueue]>([])

    /// Read-only connections to a database file, each opened by `open`.
    init(open: @escaping @Sendable () throws -> DatabaseQueue) { source = .file(open: open) }

    /// Reads on `connection`, which others use too (an in-memory database).
    init(shared connection: DatabaseQueue) { source = .shared(connection) }

    /// Runs `body` in a read transaction on a connection of the pool.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        switch source {
        case .shared(let connection):
            return try connection.inDatabase { db in try db.inReadTransaction { try body(db) } }
        case .file(let open):
            let connection = try idle.withLock { $0.popLast() } ?? open()
            defer { idle.withLock { $0.append(connection) } }
            return try connection.inDatabase { db in try db.inReadTransaction { try body(db) } }
        }
    }
}
