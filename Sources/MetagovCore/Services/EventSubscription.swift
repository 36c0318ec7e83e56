import CoreMetrics

/// The events of ``Metagov/subscribe(_:afterCursor:)``: every stored event after the cursor, then live ones, as
/// an `AsyncSequence` whose iterator hands out the events of the batch it read without suspending, and reads the
/// next batch (from the in-memory tail, else the store) only when the consumer asks for it.
public struct EventSubscription: AsyncSequence, Sendable {
    public typealias Element = Event
    public typealias Failure = any Error

    private let core: Metagov
    private let filter: EventFilter
    private let afterCursor: Int64

    init(core: Metagov, filter: EventFilter, afterCursor: Int64) {
        self.core = core
        self.filter = filter
        self.afterCursor = afterCursor
    }

    /// Starts listening for commits; the iteration ends when the consuming task is cancelled.
    public func makeAsyncIterator() -> Iterator {
        let notifier = ChangeNotifier()
        let connection = SignalConnection(
            core.signals, SignalSubscription(signal: SignalName.eventCreated) { _ in notifier.notify() })
        // Commits by other gateways on the same database wake it too (see ``Store/observeChanges(_:)``).
        let watch = LogWatch(core.logWatchers, notifier)
        return Iterator(
            reader: LogReader(
                events: core.events, tail: core.eventTail, filter: filter, cursor: afterCursor,
                lag: core.metrics.subscriberLag),
            notifier: notifier, connection: connection, watch: watch)
    }

    /// Reads events as the consumer asks for them; releasing it stops listening.
    public struct Iterator: AsyncIteratorProtocol {
        public typealias Element = Event
        public typealias Failure = any Error

        fileprivate let reader: LogReader
        fileprivate let notifier: ChangeNotifier
        fileprivate let connection: SignalConnection
        fileprivate let watch: LogWatch

        /// The next event after the last one handed out, waiting for a commit when there is none yet; `nil` once
        /// the task is cancelled.
        public mutating func next() async throws -> Event? {
            if let buffered = reader.nextBuffered() { return buffered }
            while !Task.isCancelled {
                let seen = notifier.generation
                if let event = try await reader.next() { return event }
                await notifier.wait(after: seen)
            }
            return nil
        }
    }
}

/// Reads the log in batches after a moving cursor: from the in-memory tail when it covers the cursor (a
/// subscriber keeping up), else from the store (one catching up, or resuming).
///
/// A batch holds at most `streamBatchBytes` of events: what a stalled subscriber keeps is bounded in bytes.
/// Store reads start small and grow while events are small (`limit`), so large events are not loaded by
/// the hundred either. Each batch read records how far behind the newest committed event it was (`lag`).
final class LogReader: Sendable {
    private let events: EventService
    private let tail: EventTail
    private let filter: EventFilter
    private let lag: Recorder
    /// The cursor read through, the batch read and not yet handed out (from `next` on), and how many events
    /// the next store read asks for.
    private let state: Locked<(cursor: Int64, batch: [Event], next: Int, limit: Int)>

    init(events: EventService, tail: EventTail, filter: EventFilter, cursor: Int64, lag: Recorder) {
        self.events = events
        self.tail = tail
        self.filter = filter
        self.lag = lag
        state = Locked((cursor, [], 0, 16))
    }

    /// The next event of the batch read last, if any is left.
    func nextBuffered() -> Event? {
        state.withLock { state -> Event? in
            guard state.next < state.batch.count else { return nil }
            defer { state.next += 1 }
            return state.batch[state.next]
        }
    }

    /// The next event after the cursor, or `nil` when the log has nothing newer yet.
    func next() async throws -> Event? {
        if let buffered = nextBuffered() { return buffered }
        let (cursor, limit) = state.withLock { ($0.cursor, $0.limit) }
        var batch: [Event]
        var through: Int64
        // Cursor 0 means "from the oldest event kept", which only the store knows.
        if cursor > 0, case .events(let events, let last) = tail.read(after: cursor, matching: filter, limit: EventService.streamBatch) {
            (batch, through) = (events, last)
        } else {
            batch = try await events.resume(filter, afterCursor: cursor, limit: limit)
            through = batch.last?.cursor ?? cursor
        }
        var bytes = 0
        if let cut = batch.firstIndex(where: { bytes += $0.estimatedSize; return bytes > EventService.streamBatchBytes }) {
            batch.removeSubrange(max(cut, 1)...)
            through = batch[batch.count - 1].cursor
        }
        lag.record(max(0, tail.newestCursor - through))
        let read = batch
        let fits = bytes <= EventService.streamBatchBytes / 2
        return state.withLock { state -> Event? in
            state.cursor = through
            state.limit = fits ? min(state.limit * 2, EventService.streamBatch) : max(read.count, 1)
            state.batch = read
            state.next = read.isEmpty ? 0 : 1
            return read.first
        }
    }
}

