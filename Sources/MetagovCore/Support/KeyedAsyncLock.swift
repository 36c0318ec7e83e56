/// An async mutex per key: `withLock(key)` runs its body while no other holder of the same key does;
/// waiters are served first come, first served.
actor KeyedAsyncLock {
    private var waiters: [Int64: [CheckedContinuation<Void, Never>]] = [:]

    func lock(_ key: Int64) async {
        guard waiters[key] != nil else {
            waiters[key] = []
            return
        }
        await withCheckedContinuation { continuation in waiters[key, default: []].append(continuation) }
    }

    func unlock(_ key: Int64) {
        guard var queue = waiters[key] else { return }
        if queue.isEmpty {
            waiters[key] = nil
        } else {
            let next = queue.removeFirst()
            waiters[key] = queue
            next.resume()
        }
    }
}
