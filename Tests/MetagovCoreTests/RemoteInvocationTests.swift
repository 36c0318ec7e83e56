import MetagovCore
import MetagovTestSupport
import Testing

/// Remote hooks run as units of work: snapshots in, effects applied like an in-process hook's, nothing kept
/// on a failure, a fresh invocation after a write conflict.
@Suite struct RemoteInvocationTests {
    @Test func anActionGetsASnapshotAndItsEffectsAreSavedTogether() async throws {
        let core = try await remoteCore()
        let host = ScriptedHost { _, invocation in
            let count = (invocation.state["count"]?.intValue ?? 0) + (invocation.input.parameters?["by"]?.intValue ?? 0)
            return returned(.integer(count)) { effects in
                effects.pluginStateSet["count"] = .integer(count)
                effects.pluginStateRemoved = ["stale"]
                effects.events = [.init(eventType: "bumped", data: ["count": .integer(count)], initiator: ["user_id": "ann"])]
            }
        }
        try await host.connect(core, [remoteDefinition()])
        let instance = try await core.plugins.enable(community: "c", name: "counter")
        #expect(try await core.actions.perform(community: "c", plugin: "counter", action: "bump") == .integer(1))
        #expect(try await core.actions.perform(community: "c", plugin: "counter", action: "bump", parameters: ["by": 5]) == .integer(6))

        let first = try #require(host.invocations.first)
        #expect(first.hook == .action(slug: "bump"))
        #expect(first.instance.id == instance.id && first.instance.config == ["step": 1])
        #expect(first.input.parameters == ["by": 1])
        #expect(first.state.isEmpty && first.attempt == 1)
        #expect(host.invocations[1].state == ["count": 1])
        #expect(try await core.plugins.state(pluginID: instance.id) == ["count": 6])
        let events = try await core.events.list(EventFilter(community: "c"), afterCursor: 0)
        #expect(events.map(\.data) == [["count": 1], ["count": 6]])
        #expect(events.first?.initiator == ["user_id": "ann"] && events.first?.source == "counter")
    }

    @Test func aHostsErrorIsTheCallersAndNothingOfTheHookIsKept() async throws {
        let core = try await remoteCore()
        let host = ScriptedHost { _, invocation in
            if invocation.input.parameters?["by"]?.intValue == 2 {
                return .failed(RemotePluginFailure(code: .permissionDenied, message: "the forum refused", reason: "forum_auth"))
            }
            if invocation.input.parameters?["by"]?.intValue == 3 {
                return .failed(RemotePluginFailure(code: .internal, message: "KeyError: 'x'", reason: ""))
            }
            // Emits an event type the plugin does not declare: a fault of the plugin, nothing kept.
            return returned { effects in
                effects.pluginStateSet["count"] = 99
                effects.events = [.init(eventType: "undeclared", data: [:], initiator: [:])]
            }
        }
        try await host.connect(core, [remoteDefinition()])
        let instance = try await core.plugins.enable(community: "c", name: "counter")
        let denied = await metagovError { _ = try await core.actions.perform(community: "c", plugin: "counter", action: "bump", parameters: ["by": 2]) }
        #expect(denied == MetagovError(.permissionDenied, "the forum refused (reason: forum_auth)"))
        let failed = await metagovError { _ = try await core.actions.perform(community: "c", plugin: "counter", action: "bump", parameters: ["by": 3]) }
        #expect(failed == MetagovError(.internal, "plugin 'counter' failed: KeyError: 'x'"))
        let undeclared = await metagovError { _ = try await core.actions.perform(community: "c", plugin: "counter", action: "bump") }
        #expect(undeclared == MetagovError(.internal, "plugin 'counter' failed: event type 'undeclared' is not declared by plugin 'counter'"))
        #expect(try await core.plugins.state(pluginID: instance.id).isEmpty)
        #expect(try await core.events.list(EventFilter(community: "c"), afterCursor: 0).isEmpty)
    }

    @Test func aTypeOpenToUndeclaredEventTypesMayEmitAny() async throws {
        let core = try await remoteCore()
        try await ScriptedHost { _, _ in
            returned { $0.events = [.init(eventType: "anything_at_all", data: ["x": 1], initiator: [:])] }
        }.connect(core, [remoteDefinition { $0.acceptsUndeclaredEventTypes = true }])
        _ = try await core.plugins.enable(community: "c", name: "counter")
        _ = try await core.actions.perform(community: "c", plugin: "counter", action: "bump")
        #expect(try await core.events.list(EventFilter(community: "c"), afterCursor: 0).map(\.eventType) == ["anything_at_all"])
    }

    @Test func aWriteConflictRunsTheHookAgainWithAFreshSnapshot() async throws {
        let core = try await remoteCore()
        let host = ScriptedHost { id, invocation in
            let count = (invocation.state["count"]?.intValue ?? 0) + 1
            if invocation.input.parameters?["by"]?.intValue == 7 && invocation.attempt == 1 {
                // While this answer is on its way another writer changes the same state.
                _ = try? await core.actions.perform(community: "c", plugin: "counter", action: "bump")
            }
            return returned(.integer(count)) { $0.pluginStateSet["count"] = .integer(count) }
        }
        try await host.connect(core, [remoteDefinition()])
        let instance = try await core.plugins.enable(community: "c", name: "counter")
        #expect(try await core.actions.perform(community: "c", plugin: "counter", action: "bump", parameters: ["by": 7]) == 2)
        let retried = host.invocations.filter { $0.input.parameters?["by"] == 7 }
        #expect(retried.map(\.attempt) == [1, 2])
        #expect(retried.map { $0.state["count"] } == [nil, 1])
        #expect(try await core.plugins.state(pluginID: instance.id) == ["count": 2])
    }

    @Test func processesStartUpdateCloseAndReceiveWebhooksThroughTheHost() async throws {
        let core = try await remoteCore()
        let host = ScriptedHost { _, invocation in
            switch invocation.hook {
            case .processStart:
                return returned { effects in
                    var changes = RemoteEffects.ProcessChanges()
                    changes.status = .pending
                    changes.outcome = ["votes": 0]
                    changes.url = .some("https://forum.example/polls/1")
                    changes.stateSet = ["options": ["a", "b"]]
                    effects.process = changes
                }
            case .processReceiveWebhook:
                let votes = (invocation.process?.outcome?["votes"]?.intValue ?? 0) + 1
                return returned(["counted": true]) { effects in
                    var changes = RemoteEffects.ProcessChanges()
                    changes.outcome = ["votes": .integer(votes)]
                    effects.process = changes
                }
            case .webhookReceiver:
                return returned(["challenge": "abc"]) { $0.pluginStateSet["hooks"] = 1 }
            case .processUpdate, .processClose:
                return returned { effects in
                    var changes = RemoteEffects.ProcessChanges()
                    changes.status = .completed
                    changes.stateRemoved = ["options"]
                    effects.process = changes
                }
            default:
                return returned()
            }
        }
        try await host.connect(core, [remoteDefinition()])
        let instance = try await core.plugins.enable(community: "c", name: "counter")
        let started = try await core.processes.start(community: "c", plugin: "counter", process: "vote", parameters: ["title": "t"])
        #expect(started.status == .pending && started.url == "https://forum.example/polls/1" && started.state["options"] == ["a", "b"])
        let delivered = try await core.webhooks.deliver(community: "c", plugin: "counter", request: WebhookRequest(body: Array("{}".utf8)))
        #expect(delivered.receiverRan && delivered.processIDs == [started.id] && delivered.response == ["challenge": "abc"])
        #expect(try await core.processes.get(started.id).outcome == ["votes": 1])
        #expect(try await core.plugins.state(pluginID: instance.id) == ["hooks": 1])
        let snapshot = try #require(host.invocations.first { $0.hook == .processReceiveWebhook })
        #expect(snapshot.process?.id == started.id && snapshot.process?.state == ["options": ["a", "b"]])

        let report = try await core.scheduler.tick()
        #expect(report.processesCompleted == 1)
        let closed = try await core.processes.get(started.id)
        #expect(closed.status == .completed && closed.state.isEmpty && closed.url == "https://forum.example/polls/1")
        let again = await metagovError { _ = try await core.processes.close(started.id) }
        #expect(again?.code == .failedPrecondition)
    }

    @Test func aFailingStartRemovesTheProcessAndAProcessChangeOutsideAProcessHookIsRefused() async throws {
        let core = try await remoteCore()
        try await ScriptedHost { _, invocation in
            if invocation.hook == .processStart {
                return .failed(RemotePluginFailure(code: .invalidArgument, message: "no options", reason: ""))
            }
            return returned { effects in
                var changes = RemoteEffects.ProcessChanges()
                changes.status = .completed
                effects.process = changes
            }
        }.connect(core, [remoteDefinition()])
        _ = try await core.plugins.enable(community: "c", name: "counter")
        let start = await metagovError { _ = try await core.processes.start(community: "c", plugin: "counter", process: "vote") }
        #expect(start == MetagovError(.invalidArgument, "no options"))
        #expect(try await core.processes.list(ProcessFilter(community: "c")).items.isEmpty)
        let action = await metagovError { _ = try await core.actions.perform(community: "c", plugin: "counter", action: "bump") }
        #expect(action == MetagovError(.internal, "plugin 'counter' failed: the action 'bump' hook has no process, but its answer changes one"))
    }

    @Test func initializeMaySetThePlatformIDAndLinkAccounts() async throws {
        let core = try await remoteCore()
        try await ScriptedHost { _, invocation in
            guard invocation.hook == .initialize else { return returned() }
            return returned { effects in
                effects.communityPlatformID = .some("team-42")
                effects.linkedAccounts = [.init(platformIdentifier: "ann", externalID: nil, customData: ["name": "Ann"],
                                                linkType: .oauth, linkQuality: .weakConfirm)]
            }
        }.connect(core, [remoteDefinition { $0.hasInitialize = true }])
        let instance = try await core.plugins.enable(community: "c", name: "counter")
        #expect(instance.communityPlatformID == "team-42")
        let users = try await core.identity.getUsers(community: "c", platformType: "counter")
        #expect(users.count == 1)
        #expect(users.first?.linkedAccounts.map(\.platformIdentifier) == ["ann"])
        #expect(users.first?.linkedAccounts.first?.communityPlatformID == "team-42")
        // A second instance of the community whose initialize claims the same platform id is refused, and
        // removed again.
        let duplicate = await metagovError { _ = try await core.plugins.enable(community: "c", name: "counter") }
        #expect(duplicate?.code == .alreadyExists)
        #expect(try await core.plugins.list(community: "c").map(\.id) == [instance.id])
    }

    @Test func aSignatureCheckDecidesAloneAndItsEffectsAreIgnored() async throws {
        let core = try await remoteCore()
        let host = ScriptedHost { _, invocation in
            switch invocation.hook {
            case .verifySignature:
                guard case .webhook(let request) = invocation.input else { return returned(false) }
                return returned(.bool(request.header("x-signature") == "good")) { $0.pluginStateSet["sneaky"] = true }
            default:
                return returned()
            }
        }
        try await host.connect(core, [remoteDefinition { $0.hasSignatureVerifier = true }])
        let instance = try await core.plugins.enable(community: "c", name: "counter")
        let rejected = await metagovError {
            _ = try await core.webhooks.deliver(community: "c", plugin: "counter", request: WebhookRequest(headers: [("X-Signature", "bad")]))
        }
        #expect(rejected == MetagovError(.unauthenticated, "webhook rejected: bad signature for plugin 'counter'"))
        #expect(!host.invocations.contains { $0.hook == .webhookReceiver })
        let accepted = try await core.webhooks.deliver(community: "c", plugin: "counter", request: WebhookRequest(headers: [("X-Signature", "good")]))
        #expect(accepted.receiverRan)
        #expect(try await core.plugins.state(pluginID: instance.id).isEmpty)
    }
}

extension RemoteInvocation.Input {
    /// The parameters, when the input is parameters.
    var parameters: JSONValue? {
        guard case .parameters(let parameters) = self else { return nil }
        return parameters
    }
}
