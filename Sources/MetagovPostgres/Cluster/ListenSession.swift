import Synchronization
import PostgresNIO

/// What one listening connection has done so far, shared between the task that runs it and the watchdog that
/// abandons it when it stops making progress (a closed connection does not always end postgres-nio's
/// notification streams, so a session can hang where it should have failed).
final class ListenSession: Sendable {
    enum Outcome: Sendable {
        /// Still running; `lastProgress` is when it last connected or completed a poll.
        case running(lastProgress: ContinuousClock.Instant)
        /// Ended with this error (the connection failed or went away).
        case failed(any Error)
    }

    /// Why a session was abandoned: nothing happened on it for `limit`.
    struct Stalled: Error, CustomStringConvertible {
        let limit: Duration
        var description: String { "no poll completed within \(limit)" }
    }

    private let state = Mutex<(outcome: Outcome, connection: PostgresConnection?)>((.running(lastProgress: .now), nil))

    var outcome: Outcome { state.withLock { $0.outcome } }

    /// Whether the session got as far as an open connection.
    var everConnected: Bool { state.withLock { $0.connection != nil } }

    func connected(_ connection: PostgresConnection) {
        state.withLock {
            $0.connection = connection
            $0.outcome = .running(lastProgress: .now)
        }
    }

    func madeProgress() {
        state.withLock {
            if case .running = $0.outcome { $0.outcome = .running(lastProgress: .now) }
        }
    }

    func failed(_ error: any Error) {
        state.withLock {
            if case .running = $0.outcome { $0.outcome = .failed(error) }
        }
    }

    /// Closes the connection, if there is one, without waiting.
    func close() {
        state.withLock { $0.connection }?.closeKeepingAlive()
    }
}
