import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct ProcessTests {
    private func coreWithWidget(_ clock: ManualClock = ManualClock(), backend: StoreBackend = .sqlite) async throws -> Metagov {
        let core = try makeCore(backend: backend, clock: clock)
        _ = try await core.communities.create(slug: "c", readableName: "C")
        _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        return core
    }

    @Test(arguments: StoreBackend.available) func startGetCloseLifecycle(_ backend: StoreBackend) async throws {
        let core = try await coreWithWidget(backend: backend)
        let started = try await core.processes.start(
            community: "c", plugin: "widget", process: "decision", parameters: ["question": "Lunch?"],
            callbackURL: "https://driver.example/cb")
        #expect(started.status == .pending)
        #expect(started.outcome == ["question": "Lunch?"])
        #expect(started.callbackURL == "https://driver.example/cb")
        #expect(started.state["question"] == "Lunch?")
        #expect(try await core.processes.get(started.id) == started)
        let closed = try await core.processes.close(started.id)
        #expect(closed.status == .completed)
        #expect(closed.outcome == ["decided": "yes"])
        let again = await metagovError { _ = try await core.processes.close(started.id) }
        #expect(again?.code == .failedPrecondition)
        #expect(again?.message == "process \(started.id) is already completed")
    }

    @Test(arguments: StoreBackend.available) func failedStartLeavesNothingBehind(_ backend: StoreBackend) async throws {
        let core = try await coreWithWidget(backend: backend)
        let instance = try await core.plugins.get(community: "c", name: "widget")
        let error = await metagovError {
            _ = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q", "fail": true])
        }
        #expect(error?.code == .internal)
        #expect(error?.message.contains("could not start") == true)
        #expect(try await core.processes.list(ProcessFilter(community: "c")).items.isEmpty)
        #expect(try await core.plugins.state(pluginID: instance.id)["started"] == nil)
        #expect(try await core.events.list().isEmpty)
    }

    @Test(arguments: StoreBackend.available) func startValidatesAndResolves(_ backend: StoreBackend) async throws {
        let core = try await coreWithWidget(backend: backend)
        let invalid = await metagovError { _ = try await core.processes.start(community: "c", plugin: "widget", process: "decision") }
        #expect(invalid?.code == .invalidArgument)
        #expect(invalid?.message.hasPrefix("Validation error") == true)
        let unknown = await metagovError { _ = try await core.processes.start(community: "c", plugin: "widget", process: "nope") }
        #expect(unknown?.message == "process type 'widget.nope' not found")
        let badURL = await metagovError {
            _ = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q"], callbackURL: "ftp://x")
        }
        #expect(badURL?.code == .invalidArgument)
        #expect(await metagovError { _ = try await core.processes.get(999) }?.message == "process 999 not found")
        #expect(await metagovError { _ = try await core.processes.close(999) }?.code == .notFound)
    }

    @Test(arguments: StoreBackend.available) func typeWithoutCloseCannotBeClosed(_ backend: StoreBackend) async throws {
        let core = try await coreWithWidget(backend: backend)
        let process = try await core.processes.start(community: "c", plugin: "widget", process: "no-close")
        let error = await metagovError { _ = try await core.processes.close(process.id) }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.message.contains("cannot be closed") == true)
    }

    @Test(arguments: StoreBackend.available) func listFiltersAndPages(_ backend: StoreBackend) async throws {
        let core = try await coreWithWidget(backend: backend)
        var ids: [Int64] = []
        for i in 0..<5 {
            ids.append(try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": .string("q\(i)")]).id)
        }
        let other = try await core.processes.start(community: "c", plugin: "widget", process: "no-close")
        _ = try await core.processes.close(ids[0])
        #expect(try await core.processes.list(ProcessFilter(community: "c", status: .completed)).items.map(\.id) == [ids[0]])
        #expect(try await core.processes.list(ProcessFilter(community: "c", name: "no-close")).items.map(\.id) == [other.id])
        #expect(try await core.processes.list(ProcessFilter(community: "c", plugin: "widget")).items.count == 6)
        var seen: [Int64] = []
        var token: String?
        repeat {
            let page = try await core.processes.list(ProcessFilter(community: "c", name: "decision"), pageSize: 2, pageToken: token)
            seen += page.items.map(\.id)
            token = page.nextPageToken
        } while token != nil
        #expect(seen == ids)
        #expect(await metagovError { _ = try await core.processes.list(ProcessFilter(community: "zz")) }?.code == .notFound)
    }

    @Test(arguments: StoreBackend.available) func schedulerUpdatesPendingProcessesAndRunsPeriodicTasks(_ backend: StoreBackend) async throws {
        let core = try await coreWithWidget(backend: backend)
        let instance = try await core.plugins.get(community: "c", name: "widget")
        let process = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q"])
        var report = try await core.scheduler.tick()
        #expect(report.tasksRun == 1)
        #expect(report.processesUpdated == 1)
        #expect(report.processesCompleted == 0)
        #expect(try await core.processes.get(process.id).status == .pending)
        _ = try await core.actions.perform(community: "c", plugin: "widget", action: "bump")
        // Make the update hook complete the process.
        try await core.store.write { try $0.updatePluginState(pluginID: instance.id, changes: ["ready": true], expecting: StateExpectations()) }
        report = try await core.scheduler.tick()
        #expect(report.processesCompleted == 1)
        #expect(try await core.processes.get(process.id).outcome == ["decided": "by update"])
        #expect(try await core.plugins.state(pluginID: instance.id)["periodic_runs"] == 2)
    }

    @Test(arguments: StoreBackend.available) func concurrentStartsGetDistinctIDsFromFewReservations(_ backend: StoreBackend) async throws {
        let core = try await coreWithWidget(backend: backend)
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for n in 0..<40 {
                group.addTask {
                    try await core.processes.start(
                        community: "c", plugin: "widget", process: "decision", parameters: ["question": .string("q\(n)")]
                    ).id
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(Set(ids).count == 40)
        // Reserved blocks double (1, 2, 4, ...) and only one reservation runs at a time: fewer than twice the
        // ids used are ever reserved.
        #expect(ids.max().map { $0 < 80 } == true)
    }

    @Test(arguments: StoreBackend.available) func actionsCanChangeTheirPluginsProcesses(_ backend: StoreBackend) async throws {
        let core = try await coreWithWidget(backend: backend)
        let process = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q"])
        _ = try await core.actions.perform(community: "c", plugin: "widget", action: "complete", parameters: ["process_id": .integer(Int(process.id))])
        let saved = try await core.processes.get(process.id)
        #expect(saved.status == .completed)
        #expect(saved.outcome == ["decided": "by action"])
        #expect(saved.version > process.version)
        let missing = await metagovError {
            _ = try await core.actions.perform(community: "c", plugin: "widget", action: "complete", parameters: ["process_id": 12345])
        }
        #expect(missing?.code == .notFound)
    }
}

@Suite struct SchedulerLoopTests {
    @Test(arguments: StoreBackend.available) func runTicksUntilCancelled(_ backend: StoreBackend) async throws {
        let core = try makeCore(backend: backend)
        _ = try await core.communities.create(slug: "c", readableName: "C")
        let instance = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        let loop = Task { await core.scheduler.run(every: .milliseconds(10)) }
        var runs = 0
        for _ in 0..<200 where runs < 3 {
            try await Task.sleep(for: .milliseconds(10))
            runs = try await core.plugins.state(pluginID: instance.id)["periodic_runs"]?.intValue ?? 0
        }
        loop.cancel()
        await loop.value
        #expect(runs >= 3)
        let after = try await core.plugins.state(pluginID: instance.id)["periodic_runs"]?.intValue ?? 0
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await core.plugins.state(pluginID: instance.id)["periodic_runs"]?.intValue == after)
    }
}
