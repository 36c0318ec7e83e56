import Logging

/// The process a unit of work runs for, if any.
enum ProcessTarget: Sendable {
    /// A stored process, loaded afresh for every attempt.
    case existing(Int64)
    /// A process being started: built in memory with a reserved id, inserted when the unit commits.
    case new(GovernanceProcess)
}

extension Metagov {
    /// A fresh context for attempt `attempt` of plugin code of `instance`.
    func makeContext(_ instance: PluginInstance, _ type: RegisteredPluginType, attempt: Int) -> PluginContext {
        PluginContext(
            instance: instance, store: store, pending: pendingWrites, processCache: processCache, clock: clock,
            logger: logger, declaredEventTypes: type.eventTypes, identity: identity, attempt: attempt)
    }

    /// Runs plugin code as one unit of work: the body runs with a fresh context (and the process of `target`,
    /// when given); its buffered writes are then saved in one transaction of the store.
    ///
    /// When another writer changed what the body read, the body runs again, up to `metagov.hooks.max_attempts`
    /// times in all. A unit of work builds on the writes queued before it (``PendingWrites``), so concurrent
    /// units on one process or key pipeline through the store's group commit; once units of one instance
    /// conflicted, their next attempts take turns until the contention is over, so that fresh writers cannot
    /// starve the ones retrying (a turn ends when the unit is queued, not when it is committed). Writers in other
    /// processes sharing the database (gateways on one PostgreSQL) see none of this process's queued writes: a
    /// unit that conflicts again within this process's turn, or whose instance another process is retrying,
    /// also takes the cluster-wide turn (``Store/takingTurns(key:_:)``), held until its commit. Errors thrown by
    /// the body are classified as plugin errors. Signals and modification notices are sent after the commit;
    /// with `newInstance`, the instance is reported as new rather than changed.
    func runUnitOfWork<T: Sendable>(
        instance: PluginInstance, type: RegisteredPluginType, process target: ProcessTarget? = nil,
        newInstance: Bool = false, _ body: (PluginContext, ProcessHandle?) async throws -> T
    ) async throws -> (T, CommitSummary) {
        var attempts = 0
        while attempts < maxHookAttempts {
            attempts += 1
            if attempts > 1 { metrics.unitRetries.increment() }
            let retriedElsewhere = store.isTurnTaken(key: instance.id)
            let contended = attempts > 1 || retriedElsewhere || retryTurns.isLocked(instance.id)
            let turn = contended ? await Turn.take(retryTurns, instance.id) : nil
            defer { turn?.end() }
            // A lone gateway never pays for the cluster-wide turn: a retry in this process's turn comes first.
            let done: (T, CommitSummary)?
            if attempts > 2 || retriedElsewhere {
                done = try await store.takingTurns(key: instance.id) {
                    try await attempt(instance, type, target, newInstance, attempts, turn: turn, body)
                }
            } else {
                done = try await attempt(instance, type, target, newInstance, attempts, turn: turn, body)
            }
            if let done { return done }
        }
        throw MetagovError(.internal, "plugin '\(instance.name)': concurrent updates kept conflicting after \(maxHookAttempts) attempts")
    }

    /// One attempt of ``runUnitOfWork(instance:type:process:newInstance:_:)``: the body, then the commit of what
    /// it wants written; `nil` when what it read changed meanwhile (it runs again).
    @inline(never)
    private func attempt<T: Sendable>(
        _ instance: PluginInstance, _ type: RegisteredPluginType, _ target: ProcessTarget?, _ newInstance: Bool,
        _ attempt: Int, turn: Turn?, _ body: (PluginContext, ProcessHandle?) async throws -> T
    ) async throws -> (T, CommitSummary)? {
        let (value, plan) = try await runBody(instance, type, target, attempt, body)
        guard let plan, !plan.isEmpty else { return (value, CommitSummary()) }
        let published = Published(newProcessID: target?.newProcessID, newInstance: newInstance)
        guard let summary = try await commit(plan, published, turn: turn) else { return nil }
        return (value, summary)
    }

    /// Runs the body on a fresh context; returns its result and what it wants written (`nil`: nothing).
    ///
    /// The synchronous steps are functions of their own: what an `async` function holds across a suspension
    /// lives in its frame on the task's allocator, and a frame larger than the allocator's slab (1 KiB) is a
    /// `malloc` of its own on every call.
    @inline(never)
    private func runBody<T: Sendable>(
        _ instance: PluginInstance, _ type: RegisteredPluginType, _ target: ProcessTarget?, _ attempt: Int,
        _ body: (PluginContext, ProcessHandle?) async throws -> T
    ) async throws -> (T, UnitPlan?) {
        let context = makeContext(instance, type, attempt: attempt)
        let handle: ProcessHandle?
        if case .existing(let id) = target {
            handle = try await adoptStoredProcess(id, into: context)
        } else {
            handle = adoptProcessBeingStarted(target, into: context)
        }
        let value = try await runHook(body, context, handle, plugin: instance.name)
        return (value, plan(of: context))
    }

    /// The handle of stored process `id`, adopted by `context`.
    private func adoptStoredProcess(_ id: Int64, into context: PluginContext) async throws -> ProcessHandle {
        guard let process = try await context.loadProcess(id) else { throw MetagovError.notFound("process \(id)") }
        return context.adopt(process)
    }

    /// The handle of the process `target` starts, adopted by `context`; nil when it starts none (a unit of work
    /// without a process; a stored process goes through ``adoptStoredProcess(_:into:)``). It takes the whole
    /// target so that the process it carries is never copied into the `async` caller's frame.
    @inline(never)
    private func adoptProcessBeingStarted(_ target: ProcessTarget?, into context: PluginContext) -> ProcessHandle? {
        guard case .new(let process) = target else { return nil }
        return context.adopt(process, isNew: true)
    }

    /// Runs the plugin's code, timing it and classifying what it throws as the plugin's errors.
    private func runHook<T: Sendable>(
        _ body: (PluginContext, ProcessHandle?) async throws -> T, _ context: PluginContext, _ handle: ProcessHandle?,
        plugin: String
    ) async throws -> T {
        let hookMetrics = metrics.hook(plugin)
        let started = ContinuousClock.now
        do {
            let value = try await body(context, handle)
            hookMetrics.duration.recordElapsed(since: started)
            return value
        } catch {
            hookMetrics.duration.recordElapsed(since: started)
            hookMetrics.errors.increment()
            throw MetagovError.fromPlugin(error, plugin: plugin)
        }
    }

    /// What the body of `context` wants written; nil when it writes nothing (most calls: reads, public actions).
    @inline(never)
    private func plan(of context: PluginContext) -> UnitPlan? {
        let work = context.pendingWork
        guard !work.writesNothing else { return nil }
        return UnitPlan(work, instance: context.instance, now: clock.now())
    }

    /// Queues the unit's writes (staging them as pending while they are queued, then ending the turn) and waits
    /// for the commit; `nil` when what the unit read changed meanwhile (it runs again).
    private func commit(_ plan: UnitPlan, _ published: Published, turn: Turn?) async throws -> CommitSummary? {
        let staged = Locked<PendingWrites.Ticket?>(nil)
        let pending = pendingWrites
        let unit = plan.staged
        defer { if let ticket = staged.value { pending.settle(ticket, committed: false) } }
        let started = ContinuousClock.now
        defer { metrics.unitWrite.recordElapsed(since: started) }
        do {
            let summary = try await store.write({ writer in
                guard staged.value != nil else { throw StoreError.conflict("a write queued before this unit") }
                return try plan.apply(writer)
            }, whenQueued: {
                staged.withLock { $0 = pending.stage(unit) }
                turn?.end()
            })
            if let ticket = staged.withLock({ ticket in defer { ticket = nil }; return ticket }) {
                pending.settle(ticket, committed: true)
            }
            publish(summary, published)
            return summary
        } catch StoreError.conflict(let what) {
            // The unit may have read a cached record another process had changed: the next attempt reads the store.
            for (read, _) in plan.updates { processCache.invalidate(read.id) }
            metrics.unitConflicts.increment()
            logger.debug("unit of work conflicted on \(what); running the hook again")
            return nil
        } catch let error as StoreError {
            throw MetagovError.fromStore(error)
        }
    }

    /// Sends the signals and modification notices of a committed unit of work.
    private func publish(_ summary: CommitSummary, _ published: Published) {
        var modifications: [Modification] = []
        if let plugin = summary.plugin {
            directoryChanged()
            if !published.newInstance { modifications.append(Modification(kind: .changed, object: .plugin(plugin))) }
        }
        for (before, after) in summary.processes {
            if after.id != published.newProcessID {
                // A process just started cannot be cached yet (its id was reserved, and misses are not kept):
                // dropping it would only keep concurrent reads of other processes from being cached.
                processCache.invalidate(after.id)
                modifications.append(Modification(kind: .changed, object: .process(after)))
            }
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

/// What a unit of work created, so that its notices report it as new rather than changed.
private struct Published {
    let newProcessID: Int64?
    let newInstance: Bool
}

extension ProcessTarget {
    /// The id of the process being started, if this is one.
    var newProcessID: Int64? {
        if case .new(let process) = self { return process.id }
        return nil
    }
}

/// A unit of work's turn among the retrying units of its plugin instance: taken before its body runs, ended
/// once its writes are queued (or when the attempt ends otherwise), at most once.
private final class Turn: Sendable {
    private let turns: KeyedAsyncLock
    private let key: Int64
    private let held = Locked(true)

    private init(_ turns: KeyedAsyncLock, _ key: Int64) {
        self.turns = turns
        self.key = key
    }

    /// Waits for the turn of `key`.
    static func take(_ turns: KeyedAsyncLock, _ key: Int64) async -> Turn {
        await turns.lock(key)
        return Turn(turns, key)
    }

    func end() {
        let wasHeld = held.withLock { held -> Bool in
            defer { held = false }
            return held
        }
        if wasHeld { turns.unlock(key) }
    }
}
