/// The newest events this server committed, in memory, so that subscribers who keep up follow the log without
/// reading the store on every commit (one store read per commit would otherwise happen per subscriber).
///
/// It holds a contiguous run of cursors. Events arrive after their commits, possibly out of order; one whose
/// predecessor has not arrived yet waits in `pending`. A gap that does not fill (an event written by another
/// process on the same database) makes readers at its edge read the store, and after `maxPending` events the
/// run restarts after the gap. The store stays the source of truth: whatever the tail cannot vouch for is
/// read from it. It is bounded by count and by bytes (``Event/estimatedSize``): large events (1 MB webhook
/// bodies) leave it sooner.
final class EventTail: Sendable {
    /// What the tail knows after a cursor.
    enum Answer: Equatable {
        /// Every event after the cursor up to `through` (those matching the filter, at most the limit).
        case events([Event], through: Int64)
        /// The tail does not cover the cursor: read the store.
        case unknown
    }

    private struct State: Sendable {
        var run: [Event] = []
        /// `estimatedSize` of each event of `run`.
        var sizes: [Int] = []
        var start = 0
        /// Bytes of `run[start...]`.
        var bytes = 0
        var pending: [Int64: Event] = [:]
        var pendingBytes = 0
        /// The highest cursor appended so far (0 before any).
        var newest: Int64 = 0

        var first: Int64? { run.indices.contains(start) ? run[start].cursor : nil }
        var last: Int64? { run.last?.cursor }
        var count: Int { run.count - start }
    }

    private let state = Locked(State())
    private let capacity: Int
    private let byteCapacity: Int
    private let maxPending = 64

    /// - Parameters:
    ///   - capacity: how many of the newest events are kept.
    ///   - byteCapacity: how many bytes of events (estimated) are kept at most.
    init(capacity: Int = 4096, byteCapacity: Int = 16 << 20) {
        self.capacity = max(capacity, 1)
        self.byteCapacity = max(byteCapacity, 1)
    }

    /// Adds committed events.
    func append(_ events: [Event]) {
        guard !events.isEmpty else { return }
        state.withLock { state in
            for event in events {
                state.newest = max(state.newest, event.cursor)
                // The usual case, a commit's events in order after the run: straight into it.
                if state.pending.isEmpty, let last = state.last, event.cursor == last + 1 {
                    Self.append(event, to: &state)
                } else if state.pending.updateValue(event, forKey: event.cursor) == nil {
                    state.pendingBytes += event.estimatedSize
                }
            }
            if !state.pending.isEmpty {
                Self.drain(&state)
                if state.pending.count > maxPending || state.pendingBytes > byteCapacity { Self.restart(&state) }
            }
            while state.count > capacity || (state.bytes > byteCapacity && state.count > 0) {
                state.bytes -= state.sizes[state.start]
                state.start += 1
            }
            // Evicted events leave the array once they are at least as many as the kept ones (amortised O(1)).
            if state.start > 0 && state.start >= state.count {
                state.run.removeFirst(state.start)
                state.sizes.removeFirst(state.start)
                state.start = 0
            }
        }
    }

    /// The highest cursor this server committed since it started (0 before any).
    var newestCursor: Int64 { state.withLock { $0.newest } }

    /// The events after `cursor` matching `filter` (at most `limit`), when the tail covers `cursor`.
    func read(after cursor: Int64, matching filter: EventFilter, limit: Int) -> Answer {
        state.withLock { state in
            guard let first = state.first, let last = state.last, cursor >= first - 1, cursor <= last else { return .unknown }
            // At the edge of a gap: the missing event may be in the store.
            if cursor == last { return state.pending.isEmpty ? .events([], through: cursor) : .unknown }
            var found: [Event] = []
            var through = cursor
            var index = state.start + Int(cursor - first + 1)
            while index < state.run.count && found.count < limit {
                let event = state.run[index]
                if filter.matches(event) { found.append(event) }
                through = event.cursor
                index += 1
            }
            return .events(found, through: through)
        }
    }

    /// Forgets everything (after events were deleted: retention, a deleted community).
    func clear() {
        state.withLock { state in
            let newest = state.newest
            state = State()
            state.newest = newest
        }
    }

    /// Moves pending events that continue the run into it.
    private static func drain(_ state: inout State) {
        if state.last == nil, let lowest = state.pending.keys.min(), let event = state.pending.removeValue(forKey: lowest) {
            state.run = []
            state.sizes = []
            state.start = 0
            state.bytes = 0
            append(event, to: &state)
        }
        while let last = state.last, let next = state.pending.removeValue(forKey: last + 1) {
            append(next, to: &state)
        }
        if let last = state.last, !state.pending.isEmpty { state.pending = state.pending.filter { $0.key > last } }
        state.pendingBytes = state.pending.values.reduce(0) { $0 + $1.estimatedSize }
    }

    private static func append(_ event: Event, to state: inout State) {
        let size = event.estimatedSize
        state.run.append(event)
        state.sizes.append(size)
        state.bytes += size
    }

    /// Gives up on a gap: the run starts again at the lowest pending cursor.
    private static func restart(_ state: inout State) {
        state.run = []
        state.sizes = []
        state.start = 0
        state.bytes = 0
        drain(&state)
    }
}
