/// An async mutex per key: `lock(key)` suspends while another holder of the same key has it; waiters are
/// served first come, first served. `isLocked(key)` answers without suspending.
final class KeyedAsyncLock: Sendable {
    /// Per locked key, the waiters behind its holder.
    private let waiters = Locked<[Int64: [CheckedContinuation<Void, Never>]]>([:])

    /// Whether someone holds `key` now.
    func isLocked(_ key: Int64) -> Bool { waiters.withLock { $0[key] != nil } }

    func lock(_ key: Int64) async {
        let acquired = waiters.withLock { waiters -> Bool in
            guard waiters[key] == nil else { return false }
            waiters[key] = []
            return true
        }
        if acquired { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let handedOver = waiters.withLock { waiters -> Bool in
                // The holder may have unlocked between the check above and now.
                guard waiters[key] != nil else {
                    waiters[key] = []
                    return true
                }
                waiters[key, default: []].append(continuation)
                return false
            }
            if handedOver { continuation.resume() }
        }
    }

    func unlock(_ key: Int64) {
        let next = waiters.withLock { waiters -> CheckedContinuation<Void, Never>? in
            guard var queue = waiters[key] else { return nil }
            if queue.isEmpty {
                waiters[key] = nil
                return nil
            }
            let next = queue.removeFirst()
            waiters[key] = queue
            return next
        }
        next?.resume()
    }
}
