import Logging

/// What one unit of work saved.
struct CommitSummary: Sendable {
    /// Processes the hook changed, as loaded and as saved.
    var processes: [(before: GovernanceProcess, after: GovernanceProcess)] = []
    var events: [Event] = []
    /// The instance, when the hook changed its community platform id.
    var plugin: PluginInstance?

    func saved(_ id: Int64) -> GovernanceProcess? { processes.first { $0.after.id == id }?.after }
}

extension Metagov {
    /// A fresh context for attempt `attempt` of plugin code of `instance`.
    func makeContext(_ instance: PluginInstance, _ type: RegisteredPluginType, attempt: Int) -> PluginContext {
        PluginContext(
            instance: instance, store: store, clock: clock,
            logger: logger, declaredEventTypes: type.eventTypes, identity: identity, attempt: attempt)
    }

    /// Runs plugin code as one unit of work: the body runs with a fresh context (and the process
    /// `processID`, loaded afresh, when given); its buffered writes are then saved in one transaction.
    /// When another writer changed the same records meanwhile, the body runs again, up to
    /// `metagov.hooks.max_attempts` times in all; repeated attempts for one instance take turns, so a burst of
    /// writers to the same state settles instead of starving. Errors thrown by the body are classified as
    /// plugin errors. Signals and modification notices are sent after the commit; `newProcessID` (and the
    /// instance, with `newInstance`) is    /// reported as new.
    func runUnitOfWork<T: Sendable>(
        instance: PluginInstance, type: RegisteredPluginType, processID: Int64? = nil, newProcessID: Int64? = nil,
        newInstance: Bool = false,
        _ body: (PluginContext, ProcessHandle?) async throws -> T
    ) async throws -> (T, CommitSummary) {
        // Without contention a unit of work runs at once; once writers to this instance conflicted, everyone
        // takes turns until the contention is over, so that fresh writers cannot starve the ones retrying.
        var attempts = 0
        if !retryTurns.isLocked(instance.id) {
            attempts += 1
            if let done = try await attemptUnitOfWork(instance, type, processID, newProcessID, newInstance, attempts, body) { return done }
        }
        await retryTurns.lock(instance.id)
        defer { retryTurns.unlock(instance.id) }
        while attempts < maxHookAttempts {
            attempts += 1
            if let done = try await attemptUnitOfWork(instance, type, processID, newProcessID, newInstance, attempts, body) { return done }
        }
        throw MetagovError(.internal, "plugin '\(instance.name)': concurrent updates kept conflicting after \(maxHookAttempts) attempts")
    }

    /// One attempt of ``runUnitOfWork(instance:type:processID:newProcessID:newInstance:_:)``; `nil` when the commit
    /// conflicted with another writer.
    private func attemptUnitOfWork<T: Sendable>(
        _ instance: PluginInstance, _ type: RegisteredPluginType, _ processID: Int64?, _ newProcessID: Int64?,
        _ newInstance: Bool, _ attempt: Int, _ body: (PluginContext, ProcessHandle?) async throws -> T
    ) async throws -> (T, CommitSummary)? {
        let context = makeContext(instance, type, attempt: attempt)
        var handle: ProcessHandle?
        if let processID {
            guard let process = try await read({ try $0.process(id: processID) }) else {
                throw MetagovError.notFound("process \(processID)")
            }
            handle = context.adopt(process)
        }
        let value: T
        do {
            value = try await body(context, handle)
        } catch {
            throw MetagovError.fromPlugin(error, plugin: instance.name)
        }
        do {
            let summary = try await commit(context)
            publish(summary, newProcessID: newProcessID, newInstance: newInstance)
            return (value, summary)
        } catch StoreError.conflict(let what) {
            logger.debug("unit of work conflicted on \(what); running the hook again")
            return nil
        } catch let error as StoreError {
            throw MetagovError.fromStore(error)
        }
    }

    /// Saves what the context buffered, in one transaction; nothing when it buffered nothing.
    private func commit(_ context: PluginContext) async throws -> CommitSummary {
        let work = context.pendingWork
        let changed = work.processes.values.filter(\.isModified).sorted { $0.id < $1.id }
        if work.stateChanges.isEmpty && work.events.isEmpty && changed.isEmpty && work.communityPlatformID == nil
            && work.linkedAccounts.isEmpty
        {
            return CommitSummary()
        }
        let now = clock.now()
        let instance = context.instance
        return try await store.write { writer in
            var summary = CommitSummary()
            if !work.stateChanges.isEmpty {
                try writer.updatePluginState(
                    pluginID: instance.id, changes: work.stateChanges, expectedVersion: work.stateVersion)
            }
            if let platformID = work.communityPlatformID, platformID != instance.communityPlatformID {
                summary.plugin = try writer.updatePlugin(id: instance.id, communityPlatformID: platformID, config: instance.config)
            }
            let platformID = summary.plugin?.communityPlatformID ?? instance.communityPlatformID
            for request in work.linkedAccounts {
                _ = try IdentityService.addLinkedAccount(
                    LinkedAccount(
                        externalID: request.externalID ?? 0, community: instance.community, platformType: instance.name,
                        platformIdentifier: request.platformIdentifier, communityPlatformID: platformID,
                        customData: request.customData, linkType: request.linkType, linkQuality: request.linkQuality),
                    newID: request.externalID == nil, writer)
            }
            for handle in changed {
                var process = handle.current
                process.updatedAt = now
                summary.processes.append((handle.original, try writer.updateProcess(process)))
            }
            if !work.events.isEmpty { summary.events = try writer.appendEvents(work.events) }
            try writer.enqueueDeliveries(try Self.outboundDeliveries(summary, community: instance.community, writer))
            return summary
        }
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
                        body: event.json.serialized(sortedKeys: true)))
                }
            }
        }
        for (before, after) in summary.processes {
            guard let url = after.callbackURL, before.status != .created else { continue }
            let completed = after.status == .completed && before.status != .completed
            guard completed || before.outcome != after.outcome else { continue }
            deliveries.append(NewDelivery(
                kind: .callback, webhookID: nil, processID: after.id, community: after.community,
                eventID: "process-\(after.id)-\(after.version)", url: url, body: after.json.serialized(sortedKeys: true)))
        }
        return deliveries
    }

    /// Sends the signals and modification notices of a committed unit of work.
    private func publish(_ summary: CommitSummary, newProcessID: Int64?, newInstance: Bool) {
        var modifications: [Modification] = []
        if let plugin = summary.plugin {
            instanceCache.invalidate()
            if !newInstance { modifications.append(Modification(kind: .changed, object: .plugin(plugin))) }
        }
        for (before, after) in summary.processes {
            if after.id != newProcessID { modifications.append(Modification(kind: .changed, object: .process(after))) }
            if before.status != after.status || before.outcome != after.outcome {
                signals.send(Signal(name: SignalName.processUpdated, sender: after.plugin, payload: .process(after)))
            }
        }
        notify(modifications)
        eventTail.append(summary.events)
        if signals.hasSubscribers(SignalName.eventCreated) {
            for event in summary.events {
                signals.send(Signal(name: SignalName.eventCreated, sender: event.source, payload: .event(event)))
            }
        }
    }
}
