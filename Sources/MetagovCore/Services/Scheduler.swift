import Foundation

/// What one scheduler pass did.
public struct TickReport: Sendable, Hashable {
    /// Periodic tasks that ran successfully.
    public var tasksRun = 0
    /// Pending processes whose `update()` ran successfully.
    public var processesUpdated = 0
    /// Processes that became completed during the pass.
    public var processesCompleted = 0
    /// One line per hook that failed (the pass goes on after a failure).
    public var failures: [String] = []
    /// Events deleted by retention (`metagov.events.retention_days` / `retention_count`).
    public var eventsPruned = 0
}

/// The scheduler's work: periodic tasks of every instance, then `update()` of every pending process.
public struct Scheduler: Sendable {
    let core: Metagov

    /// The cluster-wide role whose holder runs the passes.
    public static let role = "scheduler"

    /// Runs one pass. A failing hook is logged and reported, and does not stop the pass.
    public func tick() async throws -> TickReport {
        let started = ContinuousClock.now
        var report = TickReport()
        defer {
            core.metrics.schedulerRuns.increment()
            core.metrics.schedulerDuration.recordElapsed(since: started)
            core.metrics.schedulerFailures.increment(by: report.failures.count)
        }
        report.eventsPruned = try await pruneEvents()
        let instances = try await core.read { try $0.allPlugins() }
        let now = core.now()
        let due = core.periodicRuns.withLock { lastRuns in
            var due: [(PluginInstance, RegisteredPluginType, PeriodicTask)] = []
            var kept: [String: Date] = [:]
            for instance in instances {
                guard let type = core.catalog[instance.name] else { continue }
                for task in type.type.periodicTasks {
                    let key = "\(instance.id)/\(task.name)"
                    let seconds = Double(task.interval.components.seconds) + Double(task.interval.components.attoseconds) * 1e-18
                    if let last = lastRuns[key], now.timeIntervalSince(last) < seconds {
                        kept[key] = last
                    } else {
                        due.append((instance, type, task))
                        kept[key] = now
                    }
                }
            }
            lastRuns = kept
            return due
        }
        for (instance, type, task) in due {
            do {
                _ = try await core.runUnitOfWork(instance: instance, type: type) { context, _ in try await task.body(context) }
                report.tasksRun += 1
            } catch {
                report.failures.append("periodic task '\(task.name)' of plugin '\(instance.name)' in community '\(instance.community)': \(error)")
                core.logger.error("periodic task failed", metadata: ["plugin": "\(instance.name)", "task": "\(task.name)", "error": "\(error)"])
            }
        }
        var after: Int64?
        while true {
            let from = after
            let pending = try await core.read {
                try $0.processes(matching: ProcessFilter(status: .pending), afterID: from, limit: 500)
            }
            guard let last = pending.last else { break }
            after = last.id
            for process in pending where core.catalog[process.plugin]?.processes[process.name]?.type.update != nil {
                do {
                    let updated = try await core.processes.update(process.id)
                    report.processesUpdated += 1
                    if updated.status == .completed { report.processesCompleted += 1 }
                } catch {
                    report.failures.append("update of process \(process.id) (\(process.plugin).\(process.name)): \(error)")
                    core.logger.error("process update failed", metadata: ["process": "\(process.id)", "error": "\(error)"])
                }
            }
        }
        return report
    }

    /// Applies the event retention settings; returns how many events were deleted.
    func pruneEvents() async throws -> Int {
        let days = core.config.int(CoreConfig.eventRetentionDays) ?? 0
        let count = core.config.int(CoreConfig.eventRetentionCount) ?? 0
        guard days > 0 || count > 0 else { return 0 }
        let before = days > 0 ? core.now().addingTimeInterval(-Double(days) * 86_400) : nil
        let pruned = try await core.write { try $0.pruneEvents(before: before, keepNewest: count > 0 ? count : nil) }
        if pruned > 0 { core.eventTail.clear() }
        return pruned
    }

    /// Runs a pass every `interval` until the task is cancelled; a failing pass is logged and the loop goes on.
    ///
    /// Gateways sharing a database run the passes once for all of them: a pass runs only where the store says
    /// this process holds the "scheduler" role (``Store/holdsRole(_:)``), asked again before every pass, so when
    /// the holder dies another gateway takes over within two intervals.
    public func run(every interval: Duration, clock: ContinuousClock = ContinuousClock()) async {
        var next = clock.now
        var leading = false
        while !Task.isCancelled {
            do {
                let holds = await core.store.holdsRole(Self.role)
                if holds != leading {
                    leading = holds
                    core.logger.notice(holds ? "this gateway now runs the scheduler" : "another gateway runs the scheduler")
                }
                if holds { _ = try await tick() }
            } catch {
                core.logger.error("scheduler pass failed", metadata: ["error": "\(error)"])
            }
            next = next.advanced(by: interval)
            if next < clock.now { next = clock.now }
            do { try await Task.sleep(until: next, clock: clock) } catch { return }
        }
    }
}
