extension EventService {
    /// Events per store read while streaming, at most.
    static let streamBatch = 256
    /// Bytes of events (estimated) a stream holds between reads, at most (one event more if it is larger).
    static let streamBatchBytes = 1 << 20
}

extension Metagov {
    /// Every stored event matching `filter` after `afterCursor`, then live events as they are committed, in
    /// cursor order with no gap and no duplicate.
    ///
    /// The log is the only source: new commits merely wake the stream, which then reads what follows its
    /// cursor. Reading happens only when the consumer asks for more, so a slow or stalled subscriber holds no
    /// backlog and delays nobody. The stream ends when the consuming task is cancelled.
    public func subscribe(_ filter: EventFilter = EventFilter(), afterCursor: Int64 = 0) -> AsyncThrowingStream<Event, any Error> {
        let notifier = ChangeNotifier()
        let connection = SignalConnection(signals, SignalSubscription(signal: SignalName.eventCreated) { _ in notifier.notify() })
        let reader = LogReader(events: events, tail: eventTail, filter: filter, cursor: afterCursor)
        return AsyncThrowingStream(unfolding: {
            _ = connection
            while !Task.isCancelled {
                let seen = notifier.generation
                if let event = try await reader.next() { return event }
                await notifier.wait(after: seen)
            }
            return nil
        })
    }

    /// The process now, then each change of its status, outcome or errors; finishes after it is completed.
    /// NOT_FOUND when the process does not exist (or is deleted while watched).
    public func watchProcess(_ id: Int64) -> AsyncThrowingStream<GovernanceProcess, any Error> {
        let notifier = ChangeNotifier()
        let connection = SignalConnection(signals, SignalSubscription(signal: SignalName.processUpdated) { signal in
            if case .process(let process) = signal.payload, process.id == id { notifier.notify() }
        })
        let watcher = ProcessWatcher()
        let processes = self.processes
        return AsyncThrowingStream(unfolding: {
            while !Task.isCancelled && !watcher.finished {
                let seen = notifier.generation
                let current = try await processes.get(id)
                if watcher.isNew(current) {
                    if current.status == .completed {
                        watcher.finish()
                        connection.close()
                    }
                    return current
                }
                await notifier.wait(after: seen)
            }
            connection.close()
            return nil
        })
    }
}

/// A signal subscription that ends when closed or when the stream holding it is released.
private final class SignalConnection: Sendable {
    private let bus: SignalBus
    private let token: SignalBus.Token

    init(_ bus: SignalBus, _ subscription: SignalSubscription) {
        self.bus = bus
        token = bus.connect(subscription)
    }

    func close() { bus.disconnect(token) }

    deinit { bus.disconnect(token) }
}

/// Reads the log in batches after a moving cursor: from the in-memory tail when it covers the cursor (a
/// subscriber keeping up), else from the store (one catching up, or resuming).
///
/// A batch holds at most `streamBatchBytes` of events: what a stalled subscriber keeps is bounded in bytes.
/// Store reads start small and grow while events are small (`limit`), so large events are not loaded by
/// the hundred either.
private final class LogReader: Sendable {
    private let events: EventService
    private let tail: EventTail
    private let filter: EventFilter
    private let state: Locked<(cursor: Int64, batch: [Event], limit: Int)>

    init(events: EventService, tail: EventTail, filter: EventFilter, cursor: Int64) {
        self.events = events
        self.tail = tail
        self.filter = filter
        state = Locked((cursor, [], 16))
    }

    /// The next event after the cursor, or `nil` when the log has nothing newer yet.
    func next() async throws -> Event? {
        if let event = state.withLock({ $0.batch.isEmpty ? nil : $0.batch.removeFirst() }) { return event }
        let cursor = state.value.cursor
        var batch: [Event]
        var through: Int64
        // Cursor 0 means "from the oldest event kept", which only the store knows.
        if cursor > 0, case .events(let events, let last) = tail.read(after: cursor, matching: filter, limit: EventService.streamBatch) {
            (batch, through) = (events, last)
        } else {
            batch = try await events.resume(filter, afterCursor: cursor, limit: state.value.limit)
            through = batch.last?.cursor ?? cursor
        }
        var bytes = 0
        if let cut = batch.firstIndex(where: { bytes += $0.estimatedSize; return bytes > EventService.streamBatchBytes }) {
            batch.removeSubrange(max(cut, 1)...)
            through = batch[batch.count - 1].cursor
        }
        state.withLock { state in
            state.cursor = through
            let fits = bytes <= EventService.streamBatchBytes / 2
            state.limit = fits ? min(state.limit * 2, EventService.streamBatch) : max(batch.count, 1)
        }
        guard !batch.isEmpty else { return nil }
        let first = batch.removeFirst()
        state.withLock { $0.batch = batch }
        return first
    }
}

/// Remembers what a process watch last delivered.
private final class ProcessWatcher: Sendable {
    private struct Seen: Sendable {
        var last: (ProcessStatus, JSONValue?, JSONValue?)?
        var finished = false
    }

    private let seen = Locked(Seen())

    var finished: Bool { seen.value.finished }

    func finish() { seen.withLock { $0.finished = true } }

    /// Whether `process` differs from what was delivered last (and records it).
    func isNew(_ process: GovernanceProcess) -> Bool {
        seen.withLock { seen in
            if let last = seen.last, last.0 == process.status, last.1 == process.outcome, last.2 == process.errors {
                return false
            }
            seen.last = (process.status, process.outcome, process.errors)
            return true
        }
    }
}
