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
/// turns other gateways take (``RemoteTurns``).
final class ChangeListener: Sendable {
    private let configuration: PostgresConnection.Configuration
    private let origin: String
    private let pollInterval: Double
    private let queryTimeout: Double
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

    private func listen() async {
        var connected = false
        var failures = 0
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0, logger: logger)
                defer { connection.closeKeepingAlive() }
                let reconnected = connected
                connected = true
                failures = 0
                // Both channels and the poll run until one of them fails (the connection is gone), then all stop.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { [self] in
                        try await connection.listen(on: ChangeNotice.channel) { notifications in
                            if reconnected {
                                logger.notice("listening for other gateways' changes again")
                                turns.clear()
                                report(.unknown)
                            }
                            for try await notification in notifications { received(notification.payload) }
                        }
                    }
                    group.addTask { [turns, origin] in
                        try await connection.listen(on: RemoteTurns.channel) { notifications in
                            for try await notification in notifications { turns.apply(payload: notification.payload, origin: origin) }
                        }
                    }
                    group.addTask { [self] in
                        while true {
                            let rows = try await query(connection, "SELECT last_cursor FROM event_log_state WHERE id = 1")
                            if let cursor = try rows.first?.decode(Int64.self) { report(.eventsAppended(through: cursor)) }
                            try await Task.sleep(for: .milliseconds(Int64(pollInterval * 1000)))
                        }
                    }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            } catch {
                guard !Task.isCancelled else { return }
                failures += 1
                if failures == 1 {
                    logger.warning("not listening for other gateways' changes", metadata: ["error": "\(PostgresFailure.reason(error))"])
                }
                try? await Task.sleep(for: .milliseconds(Int64(min(5, pollInterval * Double(failures)) * 1000)))
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

    /// Runs `sql`; a connection that does not answer within the query timeout is closed.
    private func query(_ connection: PostgresConnection, _ sql: String) async throws -> [PostgresRow] {
        let timeout = connection.eventLoop.scheduleTask(in: .milliseconds(Int64(queryTimeout * 1000))) {
            connection.closeKeepingAlive()
        }
        defer { timeout.cancel() }
        let result: EventLoopFuture<PostgresQueryResult> = connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        return try await result.get().rows
    }
}
