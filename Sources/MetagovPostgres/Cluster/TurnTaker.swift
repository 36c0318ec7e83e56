import MetagovCore
import PostgresNIO

/// Turns across gateways (``PostgresStore/takingTurns(key:_:)``): a turn is a session-level advisory lock on a
/// connection of its own, tried (never waited for on the connection, so turns on different keys cannot
/// deadlock) every few milliseconds until it is free. A gateway that dies releases its turns with its session.
///
/// Taking and releasing a turn are announced to the other gateways (``RemoteTurns``), in the same statement.
final class TurnTaker: Sendable {
    private let thread: ConnectionThreads
    private let origin: String
    /// The turns other gateways hold.
    let remote = RemoteTurns()

    init(connection: BlockingConnection, origin: String) {
        thread = ConnectionThreads(name: "pg-turns", connections: [connection])
        self.origin = origin
    }

    func stop() { thread.stop() }

    /// Runs `body` holding the turn for `key`. When the database cannot be reached, `body` runs anyway: its own
    /// store calls then fail as they should.
    nonisolated(nonsending) func taking<T: Sendable>(key: Int64, _ body: nonisolated(nonsending) () async throws -> T) async throws -> T {
        let lock = AdvisoryLock.turn(key)
        var taken = false
        while !taken {
            do {
                let announcement = RemoteTurns.payload(origin: origin, key: key, taken: true)
                taken = try await thread.call { connection in
                    try connection.open()
                    return try connection.run(
                        "SELECT taken, CASE WHEN taken THEN pg_notify($2, $3) END FROM pg_try_advisory_lock($1) AS taken",
                        binds(lock, RemoteTurns.channel, announcement)
                    ).rows.first?.makeRandomAccess().value(0, as: Bool.self) ?? false
                }
            } catch {
                return try await body()
            }
            if !taken { try await Task.sleep(for: .milliseconds(5)) }
        }
        do {
            let result = try await body()
            await release(key)
            return result
        } catch {
            await release(key)
            throw error
        }
    }

    private func release(_ key: Int64) async {
        let announcement = RemoteTurns.payload(origin: origin, key: key, taken: false)
        _ = try? await thread.call { connection in
            try connection.run(
                "SELECT pg_advisory_unlock($1), pg_notify($2, $3)", binds(AdvisoryLock.turn(key), RemoteTurns.channel, announcement))
        }
    }
}
