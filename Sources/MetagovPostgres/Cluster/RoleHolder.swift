import MetagovCore
import PostgresNIO

/// Cluster-wide roles (the scheduler): the gateway holding the role's session-level advisory lock on its role
/// connection has the role. Asking again checks that the session is still the one that took the lock; a
/// gateway that dies, or loses its connection, loses its roles with its session, and the next gateway that asks
/// takes them.
final class RoleHolder: @unchecked Sendable {
    private let thread: ConnectionThreads
    // Touched by the role thread only: the session generation each held role was taken in.
    private var held: [Int64: Int] = [:]

    init(connection: BlockingConnection) {
        thread = ConnectionThreads(name: "metagov-postgres-roles", connections: [connection])
    }

    /// Whether this gateway holds `role` now, taking it when it is free.
    func holds(_ role: String) async -> Bool {
        await withUnsafeContinuation { continuation in
            thread.submit(RoleJob(holder: self, key: AdvisoryLock.role(role), continuation: continuation))
        }
    }

    func stop() { thread.stop() }

    fileprivate func check(_ key: Int64, on connection: BlockingConnection) throws -> Bool {
        try connection.open()
        if held[key] == connection.generation {
            try connection.run("SELECT 1")
            return true
        }
        let taken = try connection.run("SELECT pg_try_advisory_lock($1)", binds(key)).rows.first?
            .makeRandomAccess().value(0, as: Bool.self) ?? false
        if taken { held[key] = connection.generation }
        return taken
    }
}

private final class RoleJob: ConnectionJob {
    private let holder: RoleHolder
    private let key: Int64
    private let continuation: UnsafeContinuation<Bool, Never>

    init(holder: RoleHolder, key: Int64, continuation: UnsafeContinuation<Bool, Never>) {
        self.holder = holder
        self.key = key
        self.continuation = continuation
    }

    /// A failure (the database is unreachable) means "not now": no role is held without a live session.
    func run(on connection: BlockingConnection) {
        continuation.resume(returning: (try? holder.check(key, on: connection)) ?? false)
    }

    func cancel(_ error: any Error) { continuation.resume(returning: false) }
}
