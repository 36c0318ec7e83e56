import MetagovCore
import MetagovTestSupport
import Testing

/// Plugin hosts registering their types: replicas, conflicts, malformed definitions, token limits, and the
/// definitions kept across restarts.
@Suite struct RemoteRegistrationTests {
    @Test func aRegisteredTypeIsListedLikeABuiltInOne() async throws {
        let core = try await remoteCore()
        try await ScriptedHost { _, _ in nil }.connect(core, [remoteDefinition()])
        let info = try core.plugins.type("counter")
        #expect(info.description == "Counts")
        #expect(info.actions.map(\.slug) == ["bump"])
        #expect(info.processes.map(\.name) == ["vote"])
        #expect(info.processes.first?.canClose == true)
        #expect(info.eventTypes == ["bumped"])
        #expect(core.plugins.types().map(\.name) == ["counter", "widget"])
    }

    @Test func theSameDefinitionMakesReplicasAndADifferentOneIsRefusedNamingTheDifference() async throws {
        let core = try await remoteCore()
        let first = try await ScriptedHost { _, _ in nil }.connect(core, [remoteDefinition()])
        let second = try await ScriptedHost { _, _ in nil }.connect(core, [remoteDefinition()])
        #expect(first.hostID != second.hostID)
        let differing = remoteDefinition {
            $0.actions[0].inputSchema = ["type": "object"]
            $0.description = "Counts differently"
            $0.processes = []
        }
        let refused = await metagovError { try await ScriptedHost { _, _ in nil }.connect(core, [differing]) }
        #expect(refused?.code == .failedPrecondition)
        #expect(refused?.message == "plugin type 'counter' is served by connected hosts with a different definition: description differs; action 'bump': input_schema differs; process 'vote' missing from the new definition")
        #expect(try core.plugins.type("counter").description == "Counts")
    }

    @Test func builtInTypesAreNeverShadowed() async throws {
        let core = try await remoteCore()
        let refused = await metagovError { try await ScriptedHost { _, _ in nil }.connect(core, [remoteDefinition("widget")]) }
        #expect(refused?.code == .failedPrecondition)
        #expect(refused?.message == "plugin type 'widget' is built into this gateway; a plugin host cannot serve it")
        #expect(try core.plugins.type("widget").actions.map(\.slug).contains("echo"))
    }

    @Test(arguments: [
        ("community", "plugin type 'community': the name is reserved (core action names start with it)"),
        ("no spaces", "plugin type name 'no spaces' must be 1–100 letters, digits, '-' or '_'"),
        ("dup", "plugin type 'dup': duplicate action slug 'bump'"),
        ("schema", "invalid config schema of plugin type 'schema': "),
    ])
    func malformedDefinitionsAreInvalidAndRegisterNothing(name: String, message: String) async throws {
        let core = try await remoteCore()
        let definition = remoteDefinition(name) {
            if name == "dup" { $0.actions += $0.actions }
            if name == "schema" { $0.configSchema = ["type": "no-such-type"] }
        }
        let refused = await metagovError {
            try await ScriptedHost { _, _ in nil }.connect(core, [remoteDefinition("fine"), definition])
        }
        #expect(refused?.code == .invalidArgument)
        #expect(refused?.message.hasPrefix(message) == true, "\(refused?.message ?? "no error")")
        #expect(core.plugins.types().map(\.name) == ["widget"])
    }

    @Test func aTokenLimitedToSomeTypesMayServeOnlyThose() async throws {
        let core = try await remoteCore()
        let refused = await metagovError {
            _ = try await core.pluginHosts.connect(
                hostName: "h", definitions: [remoteDefinition("counter"), remoteDefinition("other")], maxInFlight: 1,
                allowedTypes: ["counter"], link: ScriptedHost { _, _ in nil })
        }
        #expect(refused?.code == .permissionDenied)
        #expect(refused?.message == "this token may not serve plugin type 'other' (it may serve: counter)")
        #expect(core.plugins.types().map(\.name) == ["widget"])
    }

    @Test(arguments: StoreBackend.available) func withoutAHostTheTypeStaysListedAndItsHooksAreUnavailable(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let core = try await remoteCore(database: database)
        let session = try await ScriptedHost { _, _ in returned(["ok": true]) }.connect(core, [remoteDefinition()])
        _ = try await core.plugins.enable(community: "c", name: "counter")
        #expect(try await core.actions.perform(community: "c", plugin: "counter", action: "bump") == ["ok": true])
        session.close()
        let unavailable = await metagovError { _ = try await core.actions.perform(community: "c", plugin: "counter", action: "bump") }
        #expect(unavailable?.code == .unavailable)
        #expect(unavailable?.message == "plugin type 'counter' has no connected host")

        // A restarted gateway knows the type from its database before any host connects.
        let restarted = try await remoteCore(database: database)
        #expect(restarted.plugins.types().map(\.name) == ["widget"])
        try await restarted.pluginHosts.restore()
        #expect(try restarted.plugins.type("counter").actions.map(\.slug) == ["bump"])
        let stillUnavailable = await metagovError {
            _ = try await restarted.actions.perform(community: "c", plugin: "counter", action: "bump")
        }
        #expect(stillUnavailable?.code == .unavailable)
        // While no host serves it, a new definition replaces the stored one (a plugin upgrade).
        try await ScriptedHost { _, _ in nil }.connect(restarted, [remoteDefinition { $0.description = "Counts, v2" }])
        #expect(try restarted.plugins.type("counter").description == "Counts, v2")
        let again = try await remoteCore(database: database)
        try await again.pluginHosts.restore()
        #expect(try again.plugins.type("counter").description == "Counts, v2")
    }
}
