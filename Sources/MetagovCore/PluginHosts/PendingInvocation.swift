/// The answer to one invocation, awaited once: the result may arrive before or after the waiter starts
/// waiting, and only the first completion counts (a result racing its deadline or a disconnect).
final class PendingInvocation: Sendable {
    private enum State: Sendable {
        case waiting(CheckedContinuation<RemoteOutcome, any Error>?)
        case done(Result<RemoteOutcome, any Error>)
        case consumed
    }

    private let state = Locked<State>(.waiting(nil))

    /// When the gateway stops waiting (`nil`: never).
    let deadline: ContinuousClock.Instant?
    /// What runs, for messages.
    let pluginType: String
    let hook: RemoteHook

    init(deadline: ContinuousClock.Instant?, pluginType: String, hook: RemoteHook) {
        self.deadline = deadline
        self.pluginType = pluginType
        self.hook = hook
    }

    /// Completes the invocation; false when it was already completed (then `result` is dropped).
    @discardableResult
    func complete(_ result: Result<RemoteOutcome, any Error>) -> Bool {
        let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<RemoteOutcome, any Error>?) in
            guard case .waiting(let continuation) = state else { return (false, nil) }
            state = continuation == nil ? .done(result) : .consumed
            return (true, continuation)
        }
        waiter?.resume(with: result)
        return accepted
    }

    /// The outcome, once completed.
    func wait() async throws -> RemoteOutcome {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RemoteOutcome, any Error>) in
            let ready = state.withLock { state -> Result<RemoteOutcome, any Error>? in
                switch state {
                case .done(let result):
                    state = .consumed
                    return result
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                case .consumed:
                    return .failure(MetagovError(.internal, "the answer to an invocation was awaited twice"))
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
