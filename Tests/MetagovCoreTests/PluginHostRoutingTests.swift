import Foundation
import MetagovCore
import MetagovTestSupport
import Testing

/// Invocations across replicas and over failures: the least busy host first, never more than a host's limit,
/// deadlines, hosts going away, draining, answers nobody waits for.
@Suite struct PluginHostRoutingTests {
    /// Answers held back until the test releases them.
    final class Gate: @unchecked Sendable {
        private let lock = NSLock()
        private var waiting: [CheckedContinuation<Void, Never>] = []
        private var open = false

        func pass() async {
            await withCheckedContinuation { continuation in
                let now = lock.withLock { () -> Bool in
                    if open { return true }
                    waiting.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        }

        func release() {
            let released = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
                open = true
                defer { waiting = [] }
                return waiting
            }
            for continuation in released { continuation.resume() }
        }
    }

    private func bump(_ core: Metagov) async throws -> JSONValue {
        try await core.actions.perform(community: "c", plugin: "counter", action: "bump")
    }

    @Test func invocationsGoToTheLeastBusyReplicaAndNeverBeyondAHostsLimit() async throws {
        let core = try await remoteCore()
        let gate = Gate()
        let small = ScriptedHost { _, _ in
            await gate.pass()
            return returned("small")
        }
        let large = ScriptedHost { _, _ in
            await gate.pass()
            return returned("large")
        }
        try await small.connect(core, [remoteDefinition()], maxInFlight: 1)
        try await large.connect(core, [remoteDefinition()], maxInFlight: 3)
        _ = try await core.plugins.enable(community: "c", name: "counter")
        let results = try await withThrowingTaskGroup(of: JSONValue.self) { group in
            for _ in 0..<12 { group.addTask { try await self.bump(core) } }
            // Four run at once (one on the small host, three on the large one); the others wait for a slot.
            try await eventually { small.invocations.count + large.invocations.count == 4 }
            gate.release()
            return try await group.reduce(into: [JSONValue]()) { $0.append($1) }
        }
        #expect(results.count == 12)
        #expect(small.peakInFlight == 1 && large.peakInFlight == 3)
        #expect(small.invocations.count >= 1 && large.invocations.count >= 3)
    }

    @Test func equalReplicasShareTheLoad() async throws {
        let core = try await remoteCore()
        let gate = Gate()
        let hosts = (0..<2).map { _ in
            ScriptedHost { _, _ in
                await gate.pass()
                return returned()
            }
        }
        for host in hosts { try await host.connect(core, [remoteDefinition()], maxInFlight: 8) }
        _ = try await core.plugins.enable(community: "c", name: "counter")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { _ = try await self.bump(core) } }
            try await eventually { hosts[0].ids.count + hosts[1].ids.count == 6 }
            #expect(hosts.map(\.ids.count) == [3, 3])
            gate.release()
            try await group.waitForAll()
        }
    }

    @Test func pastTheDeadlineTheCallerGetsDeadlineExceededAndTheLateAnswerIsDropped() async throws {
        let core = try await remoteCore([CoreConfig.pluginHostInvocationTimeout: "0.3"])
        let host = ScriptedHost { _, _ in nil }
        try await host.connect(core, [remoteDefinition()])
        let instance = try await core.plugins.enable(community: "c", name: "counter")
        let late = await metagovError { _ = try await self.bump(core) }
        #expect(late?.code == .deadlineExceeded)
        #expect(late?.message == "plugin host 'scripted' did not answer the action 'bump' invocation of plugin type 'counter' within 0.3 s; nothing of it was applied")
        let id = try #require(host.ids.first)
        #expect(!host.answer(id, returned { $0.pluginStateSet["count"] = 1 }))
        #expect(try await core.plugins.state(pluginID: instance.id).isEmpty)
    }

    @Test func aHostGoingAwayMidInvocationFailsItWithUnavailableAndNothingIsApplied() async throws {
        let core = try await remoteCore()
        let host = ScriptedHost { _, _ in nil }
        let session = try await host.connect(core, [remoteDefinition()], name: "flaky:42")
        let instance = try await core.plugins.enable(community: "c", name: "counter")
        let call = Task { try await self.bump(core) }
        try await eventually { host.ids.count == 1 }
        session.close()
        let error = await metagovError { _ = try await call.value }
        #expect(error == MetagovError(
            .unavailable, "plugin host 'flaky:42' went away before answering the action 'bump' invocation of plugin type 'counter'; nothing of it was applied"))
        #expect(!host.answer(host.ids[0], returned { $0.pluginStateSet["count"] = 1 }))
        #expect(try await core.plugins.state(pluginID: instance.id).isEmpty)
        #expect(await metagovError { _ = try await self.bump(core) }?.code == .unavailable)
    }

    @Test func aDrainingHostGetsNothingNewAndDrainsOnceItsInvocationsEnded() async throws {
        let core = try await remoteCore()
        let gate = Gate()
        let leaving = ScriptedHost { _, _ in
            await gate.pass()
            return returned("leaving")
        }
        let staying = ScriptedHost { _, _ in returned("staying") }
        let session = try await leaving.connect(core, [remoteDefinition()])
        _ = try await core.plugins.enable(community: "c", name: "counter")
        async let first: JSONValue = bump(core)
        try await eventually { leaving.ids.count == 1 }
        async let drained: Void = session.drain()
        try await staying.connect(core, [remoteDefinition()])
        #expect(try await bump(core) == "staying")
        gate.release()
        #expect(try await first == "leaving")
        await drained
        #expect(leaving.ids.count == 1)
    }

    @Test func answersNobodyWaitsForAreDropped() async throws {
        let core = try await remoteCore()
        let host = ScriptedHost { _, _ in returned(1) }
        let session = try await host.connect(core, [remoteDefinition()])
        _ = try await core.plugins.enable(community: "c", name: "counter")
        #expect(try await bump(core) == 1)
        #expect(!session.received(host.ids[0], returned(2)))
        #expect(!session.received(999, returned(3)))
        #expect(!session.rejected(1000, MetagovError(.internal, "malformed")))
        #expect(try await bump(core) == 1)
    }
}

/// Polls `condition` until it holds, failing after `seconds` (a bound for a busy machine, not a performance
/// claim).
func eventually(_ seconds: Double = 30, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(seconds * 1000)))
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(seconds) s")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
