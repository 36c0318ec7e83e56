import Foundation

/// What one unit of work saved.
struct CommitSummary: Sendable {
    /// Processes the hook changed or started, as loaded (or built) and as saved.
    var processes: [(before: GovernanceProcess, after: GovernanceProcess)] = []
    var events: [Event] = []
    /// The instance, when the hook changed its community platform id.
    var plugin: PluginInstance?

    func saved(_ id: Int64) -> GovernanceProcess? { processes.first { $0.after.id == id }?.after }
}

/// What a unit of work writes, taken from its context once the hook returned, and how to write it: the body of
/// its store write, run in the writer's batch (a failure undoes only its own writes).
///
/// A class, so that the unit's suspended frames (waiting for the commit) and the store's queue hold a reference
/// rather than copies of everything it writes.
final class UnitPlan: Sendable {
    let instance: PluginInstance
    let stateChanges: [String: JSONValue?]
    let stateExpectations: StateExpectations
    /// The process being started, as the hook left it.
    let newProcess: (built: GovernanceProcess, final: GovernanceProcess)?
    /// Changed processes: as read, and as the hook left them (stamped with the commit time).
    let updates: [(read: GovernanceProcess, changed: GovernanceProcess)]
    /// Per process, the entries read (checked) and written.
    let entries: [Int64: ProcessHandle.EntryWork]
    let events: [NewEvent]
    /// The instance's new community platform id (`.some(nil)`: cleared).
    let communityPlatformID: String??
    let linkedAccounts: [RemoteEffects.LinkedAccountRequest]

    private var pluginID: Int64 { instance.id }
    private var community: String { instance.community }

    init(_ work: PluginContext.Work, instance: PluginInstance, now: Date) {
        self.instance = instance
        stateChanges = work.stateChanges
        stateExpectations = StateExpectations(values: work.stateReads, whole: work.wholeState)
        var newProcess: (GovernanceProcess, GovernanceProcess)?
        var updates: [(GovernanceProcess, GovernanceProcess)] = []
        var entries: [Int64: ProcessHandle.EntryWork] = [:]
        for handle in work.processes.values.sorted(by: { $0.id < $1.id }) {
            var changed = handle.current
            changed.updatedAt = now
            if handle.isNew {
                newProcess = (handle.original, changed)
            } else if handle.isModified {
                updates.append((handle.original, changed))
            }
            let entryWork = handle.entryWork
            if !entryWork.changes.isEmpty || (!entryWork.reads.isEmpty && !handle.isNew) { entries[handle.id] = entryWork }
        }
        self.newProcess = newProcess
        self.updates = updates
        self.entries = entries
        events = work.events
        communityPlatformID = work.communityPlatformID
        linkedAccounts = work.linkedAccounts
    }

    /// Whether the unit has nothing to write (what it read needs no check then).
    var isEmpty: Bool {
        stateChanges.isEmpty && events.isEmpty && newProcess == nil && updates.isEmpty
            && entries.values.allSatisfy(\.changes.isEmpty) && communityPlatformID == nil && linkedAccounts.isEmpty
    }

    /// What the unit read and writes, for ``PendingWrites``.
    var staged: PendingWrites.Unit {
        var unit = PendingWrites.Unit()
        unit.processes = updates.map { read, changed in
            var written = changed
            written.version = read.version + 1
            return (read, written)
        }
        for (key, value) in stateExpectations.values { unit.reads[.pluginState(pluginID: pluginID, key: key)] = value }
        if let whole = stateExpectations.whole { unit.wholeStates[pluginID] = whole }
        for (key, value) in stateChanges { unit.writes[.pluginState(pluginID: pluginID, key: key)] = value }
        for (processID, work) in entries where processID != newProcess?.built.id {
            for (key, value) in work.reads { unit.reads[.processEntry(processID: processID, key: key)] = value }
            for (key, value) in work.changes { unit.writes[.processEntry(processID: processID, key: key)] = value }
        }
        return unit
    }

    /// Writes the unit (run by the store inside the unit's transaction or savepoint).
    func apply(_ writer: any StoreWriter) throws -> CommitSummary {
        var summary = CommitSummary()
        if let (built, final) = newProcess {
            summary.processes.append((built, try writer.insertProcess(final)))
        }
        // What the unit read of the state is checked even when it writes none of it (it wrote something else).
        if !stateChanges.isEmpty || !stateExpectations.isEmpty {
            try writer.updatePluginState(pluginID: pluginID, changes: stateChanges, expecting: stateExpectations)
        }
        if let platformID = communityPlatformID, platformID != instance.communityPlatformID {
            summary.plugin = try writer.updatePlugin(id: pluginID, communityPlatformID: platformID, config: instance.config)
        }
        let platformID = summary.plugin?.communityPlatformID ?? instance.communityPlatformID
        for request in linkedAccounts {
            _ = try IdentityService.addLinkedAccount(
                LinkedAccount(
                    externalID: request.externalID ?? 0, community: community, platformType: instance.name,
                    platformIdentifier: request.platformIdentifier, communityPlatformID: platformID,
                    customData: request.customData, linkType: request.linkType, linkQuality: request.linkQuality),
                newID: request.externalID == nil, writer)
        }
        for (read, changed) in updates {
            summary.processes.append((read, try writer.updateProcess(changed)))
        }
        for (processID, work) in entries.sorted(by: { $0.key < $1.key }) {
            try writer.updateProcessEntries(processID: processID, changes: work.changes, expecting: work.reads)
        }
        if !events.isEmpty { summary.events = try writer.appendEvents(events) }
        try writer.enqueueDeliveries(try Self.outboundDeliveries(summary, community: community, writer))
        return summary
    }

    /// The webhook deliveries of the committed events and the callbacks of processes that completed or whose
    /// outcome changed: enqueued in the same transaction, so a commit never loses its deliveries.
    private static func outboundDeliveries(
        _ summary: CommitSummary, community: String, _ writer: any StoreWriter
    ) throws -> [NewDelivery] {
        var deliveries: [NewDelivery] = []
        if !summary.events.isEmpty {
            let subscriptions = try writer.webhookSubscriptions(community: community)
            for event in summary.events {
                for subscription in subscriptions where subscription.matches(event) {
                    deliveries.append(NewDelivery(
                        kind: .event, webhookID: subscription.id, processID: nil, community: community,
                        eventID: "event-\(event.cursor)", url: subscription.url,
                        body: event.json.serialized()))
                }
            }
        }
        for (before, after) in summary.processes {
            guard let url = after.callbackURL, before.status != .created else { continue }
            let completed = after.status == .completed && before.status != .completed
            guard completed || before.outcome != after.outcome else { continue }
            deliveries.append(NewDelivery(
                kind: .callback, webhookID: nil, processID: after.id, community: after.community,
                eventID: "process-\(after.id)-\(after.version)", url: url, body: after.json.serialized()))
        }
        return deliveries
    }
}
