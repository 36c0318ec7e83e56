import Logging
import MetagovCore
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// Tells this process about changes other gateways commit: `LISTEN` on a connection of its own for their
/// notifications (``ChangeNotice``), which arrive as soon as they commit, and a check of the log's last cursor
/// every poll interval, which catches events whose notification was missed. After a lost connection it
/// reports ``StoreChange/unknown`` once it is back (notifications sent meanwhile are gone). It also follows the
/// turns other gateways take (``RemoteTurns``). A session that stops making progress without failing is
/// abandoned and replaced (``ListenSession``).
final class ChangeListener: Sendable {
    /// The listening connection's `application_name`, which tells it apart in `pg_stat_activity`.
    static let applicationName = "metagovd-listener"

    private let configuration: PostgresConnection.Configuration
    private let origin: String
    private let pollInterval: Double
    private let queryTimeout: Double
    private let connectTimeout: Double
    private let logger: Logger
    private let turns: RemoteTurns
    private let state = Mutex<(handlers: [@Sendable (StoreChange) -> Void], task: Task<Void, Never>?, lastCursor: Int64)>(
        ([], nil, 0))

    init(
        configuration: PostgresConnection.Configuration, origin: String, options: PostgresStoreOptions, turns: RemoteTurns,
        logger: Logger
    ) {
        self.configuration = configuration
        self.turns = turns
        self.origin = origin
        pollInterval = max(0.05, options.pollInterval)
        queryTimeout = options.queryTimeout
        connectTimeout = options.connectTimeout
        self.logger = logger
    }

    /// Adds `handler`; the first one starts listening.
    func start(_ handler: @escaping @Sendable (StoreChange) -> Void) {
        let start = state.withLock { state -> Bool in
            state.handlers.append(handler)
            return state.task == nil
        }
        guard start else { return }
        let task = Task { [self] in await listen() }
        state.withLock { $0.task = task }
    }

    func stop() {
        state.withLock { $0.task }?.cancel()
    }

    private func report(_ change: StoreChange) {
        if case .eventsAppended(let cursor) = change {
            let isNew = state.withLock { state -> Bool in
                guard cursor > state.lastCursor else { return false }
                state.lastCursor = cursor
                return true
            }
            guard isNew else { return }
        }
        for handler in state.withLock({ $0.handlers }) { handler(change) }
    }

    /// Runs listening sessions one after another: a session that fails is replaced after a pause, one that stops
    /// making progress (no poll answered within the connect and query timeouts and a few poll intervals: a server
    /// that stopped answering, or a connection that closed without failing what waits on it) is closed,
    /// abandoned and replaced.
    private func listen() async {
        var failures = 0
        var listenedBefore = false
        let stallLimit = Duration.milliseconds(Int64((connectTimeout + queryTimeout + 3 * pollInterval) * 1000))
        while !Task.isCancelled {
            let session = ListenSession()
            let task = Task { [self, listenedBefore] in
                do { try await run(session, reconnected: listenedBefore) } catch { session.failed(error) }
            }
            var failure: (any Error)?
            while failure == nil {
                try? await Task.sleep(for: .milliseconds(Int64(pollInterval * 1000)))
                if Task.isCancelled {
                    session.close()
                    task.cancel()
                    return
                }
                switch session.outcome {
                case .failed(let error): failure = error
                case .running(let lastProgress) where ContinuousClock.now - lastProgress > stallLimit:
                    session.close()
                    task.cancel()
                    failure = ListenSession.Stalled(limit: stallLimit)
                case .running: continue
                }
            }
            listenedBefore = listenedBefore || session.everConnected
            failures = session.everConnected ? 1 : failures + 1
            if failures == 1, let failure {
                logger.warning("not listening for other gateways' changes", metadata: ["error": "\(PostgresFailure.reason(failure))"])
            }
            try? await Task.sleep(for: .milliseconds(Int64(min(5, pollInterval * Double(failures)) * 1000)))
        }
    }

    /// One connection: `LISTEN` on both channels (one after the other, before any query runs on it), then
    /// notifications and the poll until the connection fails.
    private func run(_ session: ListenSession, reconnected: Bool) async throws {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0, logger: logger)
        session.connected(connection)
        defer { connection.closeKeepingAlive() }
        try await connection.listen(on: ChangeNotice.channel) { changeNotices in
            try await connection.listen(on: RemoteTurns.channel) { turnNotices in
                if reconnected {
                    logger.notice("listening for other gateways' changes again")
                    turns.clear()
                    report(.unknown)
                }
                // Both channels and the poll run until one of them fails (the connection is gone), then all stop.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { [self] in
                        for try await notification in changeNotices { received(notification.payload) }
                    }
                    group.addTask { [turns, origin] in
                        for try await notification in turnNotices { turns.apply(payload: notification.payload, origin: origin) }
                    }
                    group.addTask { [self] in
                        while true {
                            let rows = try await connection.query("SELECT last_cursor FROM event_log_state WHERE id = 1", logger: logger)
                            for try await cursor in rows.decode(Int64.self) { report(.eventsAppended(through: cursor)) }
                            session.madeProgress()
                            try await Task.sleep(for: .milliseconds(Int64(pollInterval * 1000)))
                        }
                    }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            }
        }
    }

    /// A change notice: reported unless it is this store's own (whose process applied it already).
    private func received(_ payload: String) {
        guard let notice = ChangeNotice(payload: payload) else { return }
        for change in notice.changes {
            if notice.origin == origin {
                if case .eventsAppended(let cursor) = change { state.withLock { $0.lastCursor = max($0.lastCursor, cursor) } }
            } else {
                report(change)
            }
        }
    }
}
