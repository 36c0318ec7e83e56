/// Process ids reserved in the store (``StoreWriter/reserveProcessIDs(count:)``), handed out one by one to
/// processes being started, so that a start is one unit of work: the process is built with its id, its start hook
/// runs, and the process is inserted with what the hook did, or not at all when the hook fails.
///
/// Blocks grow from 1 to ``maxBlock`` ids while starts keep coming, so a short-lived process (the admin CLI)
/// reserves only what it uses, and a busy server reserves once per ``maxBlock`` starts. Ids reserved but not
/// used when the process ends are skipped for good, like those of deleted processes.
final class ProcessIDReservations: Sendable {
    /// The largest block reserved at once.
    static let maxBlock: Int64 = 1024

    private struct State: Sendable {
        var next: Int64 = 1
        var end: Int64 = 0
        var blockSize: Int64 = 1
    }

    private let state = Locked(State())

    /// The next reserved id, reserving a new block when the current one is used up.
    func next(reserve: (Int) async throws -> ClosedRange<Int64>) async throws -> Int64 {
        if let id = take() { return id }
        let size = state.withLock { state -> Int64 in
            defer { state.blockSize = min(state.blockSize * 2, Self.maxBlock) }
            return state.blockSize
        }
        let block = try await reserve(Int(size))
        // Ids of concurrent callers' blocks are all reserved; the first block to arrive is used, the others' ids
        // stay unused.
        return state.withLock { state -> Int64 in
            if state.next > state.end {
                state.next = block.lowerBound
                state.end = block.upperBound
            }
            defer { state.next += 1 }
            return state.next
        }
    }

    private func take() -> Int64? {
        state.withLock { state -> Int64? in
            guard state.next <= state.end else { return nil }
            defer { state.next += 1 }
            return state.next
        }
    }
}
