/// A reserved place on one host for one invocation.
struct InvocationSlot: Sendable {
    let session: PluginHostSession
    let id: UInt64
    let pending: PendingInvocation
}

/// What ``PluginHostRouter`` guards with its lock: the hosts, the replicas of each type, the invocations in
/// flight and the callers waiting for a free slot.
struct RoutingState: Sendable {
    struct Host: Sendable {
        let session: PluginHostSession
        var inFlight: [UInt64: PendingInvocation] = [:]
        var lastID: UInt64 = 0
        var draining = false
        /// Happens once the host is draining and has nothing in flight, or is gone.
        let drained = OneShotEvent()

        var hasRoom: Bool { !draining && inFlight.count < session.maxInFlight }
    }

    struct Waiter: Sendable {
        let sequence: UInt64
        let hook: RemoteHook
        let continuation: CheckedContinuation<InvocationSlot, any Error>
    }

    var hosts: [Int: Host] = [:]
    /// Per plugin type, the keys of the hosts serving it, in connection order.
    var replicas: [String: [Int]] = [:]
    /// Per plugin type, the callers waiting for a free slot, oldest first.
    var waiters: [String: [Waiter]] = [:]
    var lastWaiter: UInt64 = 0
    var lastHostKey = 0
    /// Rotates the choice among equally busy replicas.
    var rotation = 0

    /// Whether some replica of `pluginType` takes new invocations (connected and not draining).
    func accepts(_ pluginType: String) -> Bool {
        (replicas[pluginType] ?? []).contains { hosts[$0]?.draining == false }
    }

    /// The replica of `pluginType` with the fewest invocations in flight among those with room.
    mutating func leastBusy(_ pluginType: String) -> Int? {
        guard let keys = replicas[pluginType], !keys.isEmpty else { return nil }
        rotation &+= 1
        var best: (key: Int, load: Int)?
        for offset in 0..<keys.count {
            let key = keys[(rotation &+ offset) % keys.count]
            guard let host = hosts[key], host.hasRoom else { continue }
            if best.map({ host.inFlight.count < $0.load }) ?? true { best = (key, host.inFlight.count) }
        }
        return best?.key
    }

    /// Registers a new invocation of `pluginType` on host `key`.
    mutating func allocate(
        on key: Int, pluginType: String, hook: RemoteHook, deadline: ContinuousClock.Instant?
    ) -> InvocationSlot? {
        guard var host = hosts[key] else { return nil }
        host.lastID += 1
        let pending = PendingInvocation(deadline: deadline, pluginType: pluginType, hook: hook)
        host.inFlight[host.lastID] = pending
        hosts[key] = host
        return InvocationSlot(session: host.session, id: host.lastID, pending: pending)
    }

    /// Gives a free slot of host `key` to the caller that has waited longest for one of its types.
    mutating func handOver(_ key: Int, deadline: ContinuousClock.Instant?)
        -> (CheckedContinuation<InvocationSlot, any Error>, InvocationSlot)?
    {
        guard let host = hosts[key], host.hasRoom else { return nil }
        var oldest: (type: String, sequence: UInt64)?
        for type in host.session.pluginTypes {
            guard let first = waiters[type]?.first else { continue }
            if oldest.map({ first.sequence < $0.sequence }) ?? true { oldest = (type, first.sequence) }
        }
        guard let type = oldest?.type, let waiter = waiters[type]?.first,
            let slot = allocate(on: key, pluginType: type, hook: waiter.hook, deadline: deadline)
        else { return nil }
        waiters[type]?.removeFirst()
        if waiters[type]?.isEmpty == true { waiters[type] = nil }
        return (waiter.continuation, slot)
    }
}
