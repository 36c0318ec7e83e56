/// The connected plugin hosts and the invocations in flight to them.
///
/// Each invocation goes to the replica of its plugin type with the fewest invocations in flight, never more
/// than a host's `max_in_flight`; when every replica is busy the caller waits for a free slot (first come,
/// first served). An invocation ends exactly once: with the host's answer, at its deadline
/// (DEADLINE_EXCEEDED), when its caller is cancelled, or when its host goes away (UNAVAILABLE); whatever
/// comes later is dropped, so an answer is never applied twice nor after its caller gave up.
package final class PluginHostRouter: Sendable {
    /// How long the gateway waits for an answer (`nil`: no limit).
    let invocationTimeout: Duration?
    private let clock = ContinuousClock()
    private let state = Locked(RoutingState())
    /// Happens when the gateway shuts down.
    private let shutdown = OneShotEvent()

    init(invocationTimeout: Duration?) {
        self.invocationTimeout = invocationTimeout
    }

    /// Runs a `hook` invocation on a host serving `pluginType` and returns its answer. The invocation is built
    /// once a host has room for it, so its snapshot is as fresh as it can be. A host whose connection fails
    /// while the invocation is sent to it is dropped at once and another replica is tried (nothing reached
    /// the first one). UNAVAILABLE when no host serves the type or the host goes away before answering,
    /// DEADLINE_EXCEEDED when it does not answer in time; the caller being cancelled ends the wait (the answer
    /// is then dropped).
    package func invoke(
        _ pluginType: String, _ hook: RemoteHook, _ build: () async throws -> RemoteInvocation
    ) async throws -> RemoteOutcome {
        while true {
            let slot = try await reserve(pluginType, hook: hook)
            let invocation: RemoteInvocation
            do {
                invocation = try await build()
            } catch {
                finish(slot.session, slot.id, .failure(error))
                throw error
            }
            do {
                try await slot.session.link.send(id: slot.id, invocation, deadlineMilliseconds: timeoutMilliseconds)
            } catch {
                if Task.isCancelled {
                    finish(slot.session, slot.id, .failure(CancellationError()))
                    throw CancellationError()
                }
                // Its connection is gone (its stream will end too): route around it.
                remove(slot.session)
                continue
            }
            return try await withTaskCancellationHandler {
                try await slot.pending.wait()
            } onCancel: {
                self.finish(slot.session, slot.id, .failure(CancellationError()))
            }
        }
    }

    /// Whether some connected host serves `pluginType` (draining or not).
    func hasHost(_ pluginType: String) -> Bool {
        state.withLock { !($0.replicas[pluginType] ?? []).isEmpty }
    }

    /// A key for a new host, unique while the gateway runs.
    func newHostKey() -> Int {
        state.withLock { state in
            state.lastHostKey += 1
            return state.lastHostKey
        }
    }

    private var timeoutMilliseconds: UInt64 {
        guard let invocationTimeout else { return 0 }
        let (seconds, attoseconds) = invocationTimeout.components
        return UInt64(max(0, seconds)) * 1000 + UInt64(max(0, attoseconds) / 1_000_000_000_000_000)
    }

    private func deadline() -> ContinuousClock.Instant? {
        invocationTimeout.map { clock.now.advanced(by: $0) }
    }

    private static func noHost(_ pluginType: String) -> MetagovError {
        MetagovError(.unavailable, "plugin type '\(pluginType)' has no connected host")
    }

    // MARK: Hosts

    /// Adds a connected host as a replica of its types and gives waiting callers its free slots.
    func add(_ session: PluginHostSession) {
        let deadline = deadline()
        let handed = state.withLock { state in
            state.hosts[session.key] = RoutingState.Host(session: session)
            for type in session.pluginTypes { state.replicas[type, default: []].append(session.key) }
            var handed: [(CheckedContinuation<InvocationSlot, any Error>, InvocationSlot)] = []
            while let next = state.handOver(session.key, deadline: deadline) { handed.append(next) }
            return handed
        }
        for (continuation, slot) in handed { continuation.resume(returning: slot) }
    }

    /// Removes a host that went away: its invocations fail with UNAVAILABLE (nothing of them is applied), and
    /// callers waiting for a type that no host serves any more fail too.
    func remove(_ session: PluginHostSession) {
        typealias Stranded = (type: String, continuation: CheckedContinuation<InvocationSlot, any Error>)
        let removed = state.withLock { state -> (host: RoutingState.Host, stranded: [Stranded])? in
            guard let host = state.hosts.removeValue(forKey: session.key) else { return nil }
            var stranded: [Stranded] = []
            for type in session.pluginTypes {
                state.replicas[type]?.removeAll { $0 == session.key }
                guard state.replicas[type]?.isEmpty ?? true else { continue }
                state.replicas[type] = nil
                stranded += (state.waiters.removeValue(forKey: type) ?? []).map { (type, $0.continuation) }
            }
            return (host, stranded)
        }
        guard let (host, stranded) = removed else { return }
        for pending in host.inFlight.values {
            pending.complete(.failure(MetagovError(
                .unavailable, "plugin host '\(session.hostName)' went away before answering the \(pending.hook.description) invocation of plugin type '\(pending.pluginType)'; nothing of it was applied")))
        }
        for waiter in stranded { waiter.continuation.resume(throwing: Self.noHost(waiter.type)) }
        host.drained.fire()
    }

    /// The gateway is shutting down: every host stream waiting in ``waitForShutdown()`` goes on.
    func beginShutdown() {
        shutdown.fire()
    }

    /// Returns once the gateway shuts down (or the calling task is cancelled).
    func waitForShutdown() async {
        await shutdown.wait()
    }

    /// Stops sending invocations to a host; returns once it has none in flight, is gone, or the calling task
    /// is cancelled.
    func drain(_ session: PluginHostSession) async {
        let drained = state.withLock { state -> OneShotEvent? in
            guard var host = state.hosts[session.key] else { return nil }
            host.draining = true
            state.hosts[session.key] = host
            if host.inFlight.isEmpty { host.drained.fire() }
            return host.drained
        }
        await drained?.wait()
    }

    /// Ends invocation `id` of a host with `result`; false when it had ended already (the result is dropped).
    @discardableResult
    func finish(_ session: PluginHostSession, _ id: UInt64, _ result: Result<RemoteOutcome, any Error>) -> Bool {
        let deadline = deadline()
        let ended = state.withLock { state in
            guard var host = state.hosts[session.key], let pending = host.inFlight.removeValue(forKey: id) else {
                return (pending: PendingInvocation?.none, handed: (CheckedContinuation<InvocationSlot, any Error>, InvocationSlot)?.none,
                        drained: OneShotEvent?.none)
            }
            state.hosts[session.key] = host
            return (pending, state.handOver(session.key, deadline: deadline), host.draining && host.inFlight.isEmpty ? host.drained : nil)
        }
        guard let pending = ended.pending else { return false }
        if let (continuation, slot) = ended.handed { continuation.resume(returning: slot) }
        ended.drained?.fire()
        return pending.complete(result)
    }

    /// Fails the invocations of `session` whose deadline passed; returns the earliest deadline still ahead.
    func expire(_ session: PluginHostSession) -> ContinuousClock.Instant? {
        let now = clock.now
        let (overdue, next) = state.withLock { state in
            var overdue: [(UInt64, PendingInvocation)] = []
            var next: ContinuousClock.Instant?
            for (id, pending) in state.hosts[session.key]?.inFlight ?? [:] {
                guard let deadline = pending.deadline else { continue }
                if deadline <= now {
                    overdue.append((id, pending))
                } else if next.map({ deadline < $0 }) ?? true {
                    next = deadline
                }
            }
            return (overdue, next)
        }
        let limit = invocationTimeout.map { timeout in
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
            return "\((seconds * 1000).rounded() / 1000) s"
        } ?? "its deadline"
        for (id, pending) in overdue {
            finish(session, id, .failure(MetagovError(
                .deadlineExceeded,
                "plugin host '\(session.hostName)' did not answer the \(pending.hook.description) invocation of plugin type '\(pending.pluginType)' within \(limit); nothing of it was applied")))
        }
        return next
    }

    // MARK: Slots

    /// A slot on the least busy replica of `pluginType`, after waiting for one when all are busy.
    private func reserve(_ pluginType: String, hook: RemoteHook) async throws -> InvocationSlot {
        let deadline = deadline()
        let immediate = try state.withLock { state -> InvocationSlot? in
            guard state.accepts(pluginType) else { throw Self.noHost(pluginType) }
            guard let key = state.leastBusy(pluginType) else { return nil }
            return state.allocate(on: key, pluginType: pluginType, hook: hook, deadline: deadline)
        }
        if let immediate { return immediate }
        let sequence = state.withLock { state -> UInt64 in
            state.lastWaiter += 1
            return state.lastWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<InvocationSlot, any Error>) in
                let cancelled = Task.isCancelled
                let ready = state.withLock { state -> Result<InvocationSlot, any Error>? in
                    if cancelled { return .failure(CancellationError()) }
                    guard state.accepts(pluginType) else { return .failure(Self.noHost(pluginType)) }
                    if let key = state.leastBusy(pluginType),
                        let slot = state.allocate(on: key, pluginType: pluginType, hook: hook, deadline: deadline)
                    {
                        return .success(slot)
                    }
                    state.waiters[pluginType, default: []].append(
                        RoutingState.Waiter(sequence: sequence, hook: hook, continuation: continuation))
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<InvocationSlot, any Error>? in
                guard let index = state.waiters[pluginType]?.firstIndex(where: { $0.sequence == sequence }) else { return nil }
                return state.waiters[pluginType]?.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
