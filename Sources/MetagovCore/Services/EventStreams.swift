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
    public func subscribe(_ filter: EventFilter = EventFilter(), afterCursor: Int64 = 0) -> EventSubscription {
        EventSubscription(core: self, filter: filter, afterCursor: afterCursor)
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
final class SignalConnection: Sendable {
    private let bus: SignalBus
    private let token: SignalBus.Token

    init(_ bus: SignalBus, _ subscription: SignalSubscription) {
        self.bus = bus
        token = bus.connect(subscription)
    }

    func close() { bus.disconnect(token) }

    deinit { bus.disconnect(token) }
}

/// A stream's registration for wake-ups from other processes' commits, removed with the stream.
final class LogWatch: Sendable {
    private let watchers: WatcherSet
    private let token: Int

    init(_ watchers: WatcherSet, _ notifier: ChangeNotifier) {
        self.watchers = watchers
        token = watchers.add(notifier)
    }

    deinit { watchers.remove(token) }
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
