/// The newest events this server committed, in memory, so that subscribers who keep up follow the log without
/// reading the store on every commit (one store read per commit would otherwise happen per subscriber).
///
/// It holds a contiguous run of cursors. Events arrive after their commits, possibly out of order; one whose
/// predecessor has not arrived yet waits in `pending`. A gap that does not fill (an event written by another
/// process on the same database) makes readers at its edge read the store, and after `maxPending` events the
/// run restarts after the gap. The store stays the source of truth: whatever the tail cannot vouch for is
/// read from it.
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
        var start = 0
        var pending: [Int64: Event] = [:]

        var first: Int64? { run.indices.contains(start) ? run[start].cursor : nil }
        var last: Int64? { run.last?.cursor }
        var count: Int { run.count - start }
    }

    private let state = Locked(State())
    private let capacity: Int
    private let maxPending = 64

    /// - Parameter capacity: how many of the newest events are kept.
    init(capacity: Int = 4096) { self.capacity = max(capacity, 1) }

    /// Adds committed events.
    func append(_ events: [Event]) {
        guard !events.isEmpty else { return }
        state.withLock { state in
            for event in events { state.pending[event.cursor] = event }
            Self.drain(&state)
            if state.pending.count > maxPending { Self.restart(&state) }
            let excess = state.count - capacity
            if excess > 0 { state.start += excess }
            if state.start > capacity {
                state.run.removeFirst(state.start)
                state.start = 0
            }
        }
    }

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
        state.withLock { $0 = State() }
    }

    /// Moves pending events that continue the run into it.
    private static func drain(_ state: inout State) {
        if state.last == nil, let lowest = state.pending.keys.min(), let event = state.pending.removeValue(forKey: lowest) {
            state.run = [event]
            state.start = 0
        }
        while let last = state.last, let next = state.pending.removeValue(forKey: last + 1) {
            state.run.append(next)
        }
        if let last = state.last, !state.pending.isEmpty { state.pending = state.pending.filter { $0.key > last } }
    }

    /// Gives up on a gap: the run starts again at the lowest pending cursor.
    private static func restart(_ state: inout State) {
        state.run = []
        state.start = 0
        drain(&state)
    }
}
