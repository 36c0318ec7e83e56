/// Something that happens once (a host drained, the gateway shuts down): tasks wait for it, and a waiting
/// task that is cancelled stops waiting at once.
final class OneShotEvent: Sendable {
    private struct State {
        var fired = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var lastWaiter: UInt64 = 0
    }

    private let state = Locked(State())

    /// Lets every waiter, present and future, go on.
    func fire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.fired = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the event happened, or at once when the calling task is cancelled.
    func wait() async {
        let id = state.withLock { state -> UInt64? in
            guard !state.fired else { return nil }
            state.lastWaiter += 1
            return state.lastWaiter
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let cancelled = Task.isCancelled
                let now = state.withLock { state -> Bool in
                    if state.fired || cancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
