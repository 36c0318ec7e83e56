import Synchronization

/// Request bytes one connection may hold at once: messages being received (counted at their declared length
/// as soon as their prefix arrives) and received unary requests until their call ends. Streaming requests
/// are counted until they are queued for their handler, whose queue is bounded by flow control. A message
/// that does not fit fails its call (RESOURCE_EXHAUSTED); the connection goes on.
final class RequestBudget: Sendable {
    let limit: Int
    private let used = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Bytes held now.
    var usedBytes: Int { self.used.load(ordering: .relaxed) }

    /// Takes `bytes` if they fit.
    func reserve(_ bytes: Int) -> Bool {
        var current = self.used.load(ordering: .relaxed)
        while true {
            guard bytes <= self.limit - current else { return false }
            let (exchanged, original) = self.used.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    func release(_ bytes: Int) {
        if bytes > 0 { self.used.wrappingSubtract(bytes, ordering: .relaxed) }
    }
}
