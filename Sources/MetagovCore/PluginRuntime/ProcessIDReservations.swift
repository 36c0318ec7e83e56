/// Process ids reserved in the store (``StoreWriter/reserveProcessIDs(count:)``), handed out one by one to
/// processes being started, so that a start is one unit of work: the process is built with its id, its start hook
/// runs, and the process is inserted with what the hook did, or not at all when the hook fails.
///
/// Blocks grow from 1 to ``maxBlock`` ids while starts keep coming, so a short-lived process (the admin CLI)
/// reserves only what it uses, and a busy server reserves once per ``maxBlock`` starts. One reservation is in
/// flight at a time; callers arriving meanwhile wait for it. Ids reserved but not used when the process ends are
/// skipped for good, like those of deleted processes.
final class ProcessIDReservations: Sendable {
    /// The largest block reserved at once.
    static let maxBlock: Int64 = 1024

    private struct State: Sendable {
        var next: Int64 = 1
        var end: Int64 = 0
        var blockSize: Int64 = 1
        /// The reservation in flight, if any.
        var reserving: Task<Void, any Error>?
    }

    private let state = Locked(State())

    /// The next reserved id, reserving a new block (at most one at a time) when the current one is used up.
    func next(reserve: @escaping @Sendable (Int) async throws -> ClosedRange<Int64>) async throws -> Int64 {
        while true {
            let step = state.withLock { current -> (id: Int64?, wait: Task<Void, any Error>?) in
                if current.next <= current.end {
                    defer { current.next += 1 }
                    return (current.next, nil)
                }
                if let reserving = current.reserving { return (nil, reserving) }
                let size = current.blockSize
                current.blockSize = min(current.blockSize * 2, Self.maxBlock)
                let reservation = Task { [self] in
                    do {
                        let block = try await reserve(Int(size))
                        state.withLock { state in
                            (state.next, state.end) = (block.lowerBound, block.upperBound)
                            state.reserving = nil
                        }
                    } catch {
                        state.withLock { $0.reserving = nil }
                        throw error
                    }
                }
                current.reserving = reservation
                return (nil, reservation)
            }
            if let id = step.id { return id }
            try await step.wait?.value
        }
    }
}
