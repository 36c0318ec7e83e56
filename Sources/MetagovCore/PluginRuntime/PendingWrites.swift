/// Writes that units of work have handed to the store but that are not committed yet.
///
/// A unit of work reads processes and keyed state through this overlay first, so the next unit touching the
/// same process or key (the next vote on a busy poll) builds on the writes queued before it instead of reading
/// the committed value and conflicting at its commit: concurrent units of work on one process pipeline through
/// the store's group commit instead of waiting for one commit each. Only units of work read it; every read
/// outside them (`GetProcess`, listings) sees committed data only.
///
/// It is an optimisation, never the judge: the store checks every unit's reads when it commits (process versions,
/// state values), in the order the units were queued. Units are staged here while the store queues them
/// (``Store/write(_:whenQueued:)``), so a unit builds only on units queued before it. When a unit fails, what it
/// queued and everything staged on the same records after it are forgotten: the units built on it fail their
/// check and run again, on the store's data.
final class PendingWrites: Sendable {
    /// A key of keyed state.
    enum Key: Hashable, Sendable {
        /// A key of a plugin instance's state.
        case pluginState(pluginID: Int64, key: String)
        /// An entry of a process.
        case processEntry(processID: Int64, key: String)
    }

    /// Identifies one staged unit of work and what it queued, to settle it.
    struct Ticket: Sendable {
        fileprivate let number: UInt64
        fileprivate let processIDs: [Int64]
        fileprivate let keys: [Key]
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

    private struct Pending<Value: Sendable>: Sendable {
        let ticket: UInt64
        let value: Value
    }

    private struct State: Sendable {
        var nextTicket: UInt64 = 0
        var processes: [Int64: Pending<GovernanceProcess>] = [:]
        var values: [Key: Pending<JSONValue?>] = [:]
    }

    private let state = Locked(State())

    /// The process as the newest queued write leaves it, if one is queued.
    func process(_ id: Int64) -> GovernanceProcess? {
        state.withLock { $0.processes[id]?.value }
    }

    /// The value the newest queued write gives `key` (`.some(nil)`: it removes it), if one is queued.
    func value(_ key: Key) -> JSONValue?? {
        // `map`, not `?.`: optional chaining would flatten "no queued write" into "a write removing it".
        state.withLock { $0.values[key].map(\.value) }
    }

    /// Every queued value of plugin instance `pluginID`'s state (`nil`: removed).
    func pluginStateValues(pluginID: Int64) -> [String: JSONValue?] {
        state.withLock { state in
            var values: [String: JSONValue?] = [:]
            for (key, pending) in state.values {
                if case .pluginState(pluginID, let name) = key { values[name] = pending.value }
            }
            return values
        }
    }

    /// Records `unit`'s writes as queued, unless something it read was overwritten by a write queued since
    /// (then `nil`: the unit must run again).
    func stage(_ unit: Unit) -> Ticket? {
        state.withLock { state -> Ticket? in
            for (read, _) in unit.processes {
                if let pending = state.processes[read.id], pending.value.version != read.version { return nil }
            }
            for (key, value) in unit.reads {
                if let pending = state.values[key], pending.value != value { return nil }
            }
            for (pluginID, whole) in unit.wholeStates {
                for (key, pending) in state.values {
                    if case .pluginState(pluginID, let name) = key, pending.value != whole[name] { return nil }
                }
            }
            state.nextTicket += 1
            let ticket = state.nextTicket
            for (_, written) in unit.processes { state.processes[written.id] = Pending(ticket: ticket, value: written) }
            for (key, value) in unit.writes { state.values[key] = Pending(ticket: ticket, value: value) }
            return Ticket(number: ticket, processIDs: unit.processes.map(\.written.id), keys: Array(unit.writes.keys))
        }
    }

    /// Forgets what the staged unit queued once its commit succeeded (writes staged since by other units stay)
    /// or failed (then writes staged since on the same records go too: they were built on it).
    func settle(_ ticket: Ticket, committed: Bool) {
        state.withLock { state in
            for id in ticket.processIDs {
                guard let pending = state.processes[id] else { continue }
                if pending.ticket == ticket.number || (!committed && pending.ticket > ticket.number) {
                    state.processes[id] = nil
                }
            }
            for key in ticket.keys {
                guard let pending = state.values[key] else { continue }
                if pending.ticket == ticket.number || (!committed && pending.ticket > ticket.number) {
                    state.values[key] = nil
                }
            }
        }
    }
}
