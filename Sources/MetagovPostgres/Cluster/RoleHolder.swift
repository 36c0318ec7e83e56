import MetagovCore
import PostgresNIO
import Synchronization

/// Cluster-wide roles (the scheduler): the gateway holding the role's session-level advisory lock on its role
/// connection has the role. Asking again checks that the session is still the one that took the lock; a
/// gateway that dies, or loses its connection, loses its roles with its session, and the next gateway that asks
/// takes them.
final class RoleHolder: Sendable {
    private let thread: ConnectionThreads
    /// The session generation each held role was taken in.
    private let held = Mutex<[Int64: Int]>([:])

    init(connection: BlockingConnection) {
        thread = ConnectionThreads(name: "pg-roles", connections: [connection])
    }

    /// Whether this gateway holds `role` now, taking it when it is free. A failure (the database is unreachable)
    /// means "not now": no role is held without a live session.
    func holds(_ role: String) async -> Bool {
        let key = AdvisoryLock.role(role)
        return (try? await thread.call { [self] connection in try check(key, on: connection) }) ?? false
    }

    func stop() { thread.stop() }

    private func check(_ key: Int64, on connection: BlockingConnection) throws -> Bool {
        try connection.open()
        if held.withLock({ $0[key] }) == connection.generation {
            try connection.run("SELECT 1")
            return true
        }
        let taken = try connection.run("SELECT pg_try_advisory_lock($1)", binds(key)).rows.first?
            .makeRandomAccess().value(0, as: Bool.self) ?? false
        if taken { held.withLock { $0[key] = connection.generation } }
        return taken
    }
}
