/// Writes that units of work have handed to the store and that are not committed yet, then, for a short while,
/// what they committed.
///
/// A unit of work reads processes and keyed state through this overlay first, so the next unit touching the
/// same process or key (the next vote on a busy poll) builds on the writes queued before it instead of reading
/// the committed value and conflicting at its commit: concurrent units of work on one process pipeline through
/// the store's group commit instead of waiting for one commit each. A committed write stays readable for
/// `committedLifetime` (``CoreConfig/committedWritesSeconds``), so units touching a busy process do not read it back from the store either. Only units
/// of work read the overlay; every read outside them (`GetProcess`, listings) reads the store.
///
/// It is an optimisation, never the judge: the store checks every unit's reads when it commits (process versions,
/// state values), in the order the units were queued. Units are staged here while the store queues them
/// (``Store/write(_:whenQueued:)``), so a unit builds only on units queued before it. When a unit fails, everything
/// held for the records it read or wrote is forgotten (units built on it fail their check too), so a retry reads
/// the store's data; this is also how a value changed by another process is noticed, at the latest after
/// `committedLifetime` for a unit that writes nothing, or as soon as the store reports the change
/// (``forgetCommitted()``, for gateways sharing a PostgreSQL database).
final class PendingWrites: Sendable {
    /// How long a committed write is read from memory by units of work.
    let committedLifetime: Duration
    /// Committed writes kept at most; past that, they are all dropped.
    static let maxCommitted = 4096

    /// A key of keyed state.
    enum Key: Hashable, Sendable {
        /// A key of a plugin instance's state.
        case pluginState(pluginID: Int64, key: String)
        /// An entry of a process.
        case processEntry(processID: Int64, key: String)
    }

    /// Identifies one staged unit of work and the records it read and wrote, to settle it.
    struct Ticket: Sendable {
        fileprivate let number: UInt64
        fileprivate let processIDs: [Int64]
        fileprivate let keys: [Key]
        fileprivate let readKeys: [Key]
    }

    /// What a unit of work read and what it is about to write.
    struct Unit: Sendable {
        /// Processes it changed: as read (version to check) and as they will be stored.
        var processes: [(read: GovernanceProcess, written: GovernanceProcess)] = []
        /// Keyed values it read (`nil`: absent).
        var reads: [Key: JSONValue?] = [:]
        /// Plugin instances whose whole state it read, with what it read.
        var wholeStates: [Int64: [String: JSONValue]] = [:]
        /// Keyed values it writes (`nil`: removes).
        var writes: [Key: JSONValue?] = [:]
    }

    /// A record as a queued write (or, once `committedAt` is set, a committed one) leaves it.
    private struct Held<Value: Sendable>: Sendable {
        let ticket: UInt64
        let value: Value
        var committedAt: ContinuousClock.Instant?

        func isCurrent(at now: ContinuousClock.Instant, lifetime: Duration) -> Bool {
            committedAt.map { now - $0 < lifetime } ?? true
        }
    }

    private struct State: Sendable {
        var nextTicket: UInt64 = 0
        var processes: [Int64: Held<GovernanceProcess>] = [:]
        var values: [Key: Held<JSONValue?>] = [:]
        var committed = 0
    }

    private let state = Locked(State())

    init(committedLifetime: Duration) {
        self.committedLifetime = committedLifetime
    }

    /// The process as the newest queued (or recently committed) write leaves it, if there is one.
    func process(_ id: Int64) -> GovernanceProcess? {
        let now = ContinuousClock.now
        return state.withLock { state in state.processes[id].flatMap { $0.isCurrent(at: now, lifetime: committedLifetime) ? $0.value : nil } }
    }

    /// The value the newest queued (or recently committed) write gives `key` (`.some(nil)`: it removes it), if
    /// there is one.
    func value(_ key: Key) -> JSONValue?? {
        let now = ContinuousClock.now
        // `map`, not `?.`: optional chaining would flatten "nothing held" into "a write removing it".
        return state.withLock { state in
            state.values[key].flatMap { $0.isCurrent(at: now, lifetime: committedLifetime) ? .some($0.value) : nil }
        }
    }

    /// Every held value of plugin instance `pluginID`'s state (`nil`: removed).
    func pluginStateValues(pluginID: Int64) -> [String: JSONValue?] {
        let now = ContinuousClock.now
        return state.withLock { state in
            var values: [String: JSONValue?] = [:]
            for (key, held) in state.values where held.isCurrent(at: now, lifetime: committedLifetime) {
                if case .pluginState(pluginID, let name) = key { values[name] = held.value }
            }
            return values
        }
    }

    /// Records `unit`'s writes as queued, unless something it read was overwritten by a write held since (then
    /// `nil`: the unit must run again).
    func stage(_ unit: Unit) -> Ticket? {
        let now = ContinuousClock.now
        return state.withLock { state -> Ticket? in
            for (read, _) in unit.processes {
                if let held = state.processes[read.id], held.isCurrent(at: now, lifetime: committedLifetime), held.value.version != read.version {
                    return nil
                }
            }
            for (key, value) in unit.reads {
                if let held = state.values[key], held.isCurrent(at: now, lifetime: committedLifetime), held.value != value { return nil }
            }
            for (pluginID, whole) in unit.wholeStates {
                for (key, held) in state.values where held.isCurrent(at: now, lifetime: committedLifetime) {
                    if case .pluginState(pluginID, let name) = key, held.value != whole[name] { return nil }
                }
            }
            state.nextTicket += 1
            let ticket = state.nextTicket
            for (_, written) in unit.processes { state.processes[written.id] = Held(ticket: ticket, value: written) }
            for (key, value) in unit.writes { state.values[key] = Held(ticket: ticket, value: value) }
            return Ticket(
                number: ticket, processIDs: unit.processes.map(\.written.id), keys: Array(unit.writes.keys),
                readKeys: Array(unit.reads.keys))
        }
    }

    /// Settles a staged unit once its commit succeeded (what it wrote stays readable for `committedLifetime`,
    /// unless written again since) or failed (everything held for the records it read or wrote goes).
    func settle(_ ticket: Ticket, committed: Bool) {
        let now = ContinuousClock.now
        state.withLock { state in
            guard committed else {
                for id in ticket.processIDs { state.processes[id] = nil }
                for key in ticket.keys + ticket.readKeys { state.values[key] = nil }
                return
            }
            for id in ticket.processIDs where state.processes[id]?.ticket == ticket.number {
                state.processes[id]?.committedAt = now
                state.committed += 1
            }
            for key in ticket.keys where state.values[key]?.ticket == ticket.number {
                state.values[key]?.committedAt = now
                state.committed += 1
            }
            if state.committed > Self.maxCommitted { Self.dropCommitted(&state) }
        }
    }

    /// Forgets every committed write (queued ones stay): another process changed the store, so what this one
    /// committed may have been overwritten.
    func forgetCommitted() {
        state.withLock { Self.dropCommitted(&$0) }
    }

    /// Forgets every committed write (queued ones stay).
    private static func dropCommitted(_ state: inout State) {
        state.processes = state.processes.filter { $0.value.committedAt == nil }
        state.values = state.values.filter { $0.value.committedAt == nil }
        state.committed = 0
    }
}
