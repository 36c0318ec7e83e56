import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct PluginEnableTests {
    @Test func enableValidatesConfigAndFillsDefaults() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        let instance = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "abc"])
        #expect(instance.config == ["token": "abc", "color": "blue"])
        #expect(instance.communityPlatformID == nil)
        #expect(try await core.plugins.state(pluginID: instance.id)["initialized"] == true)
        #expect(try await core.plugins.list(community: "c").map(\.id) == [instance.id])
    }

    @Test func invalidConfigNamesThePointer() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        let missing = await metagovError { _ = try await core.plugins.enable(community: "c", name: "widget", config: [:]) }
        #expect(missing?.code == .invalidArgument)
        #expect(missing?.message.hasPrefix("Validation error") == true)
        #expect(missing?.message.contains("token") == true)
        let wrongType = await metagovError {
            _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": 5])
        }
        #expect(wrongType?.message.hasPrefix("Validation error") == true)
        #expect(wrongType?.message.contains("/token") == true)
        #expect(try await core.plugins.list(community: "c").isEmpty)
    }

    @Test func unknownTypeAndCommunityAreNotFound() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        let type = await metagovError { _ = try await core.plugins.enable(community: "c", name: "nope") }
        #expect(type?.code == .notFound)
        #expect(type?.message == "plugin type 'nope' not found")
        let community = await metagovError { _ = try await core.plugins.enable(community: "x", name: "widget", config: ["token": "t"]) }
        #expect(community?.code == .notFound)
        #expect(community?.message == "community 'x' not found")
    }

    @Test func reEnablingUpdatesInPlaceKeepingIDAndState() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        let first = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "one"])
        _ = try await core.actions.perform(community: "c", plugin: "widget", action: "bump")
        let second = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "two", "color": "red"])
        #expect(second.id == first.id)
        #expect(second.config == ["token": "two", "color": "red"])
        #expect(try await core.plugins.state(pluginID: first.id)["count"] == 1)
        #expect(try await core.plugins.list(community: "c").count == 1)
    }

    @Test func platformIDComesFromConfigKeyAndAllowsSeveralInstances() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        let t1 = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "a", "team": "T1"])
        let t2 = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "b", "team": "T2"])
        #expect(t1.communityPlatformID == "T1")
        #expect(t2.communityPlatformID == "T2")
        #expect(t1.id != t2.id)
        let ambiguous = await metagovError { _ = try await core.actions.perform(community: "c", plugin: "widget", action: "bump") }
        #expect(ambiguous?.code == .invalidArgument)
        let r = try await core.actions.perform(community: "c", plugin: "widget", action: "bump", communityPlatformID: "T2")
        #expect(r == ["count": 1])
        #expect(try await core.plugins.state(pluginID: t2.id)["count"] == 1)
        #expect(try await core.plugins.state(pluginID: t1.id)["count"] == nil)
        let removed = try await core.plugins.disable(community: "c", name: "widget", communityPlatformID: "T1")
        #expect(removed.id == t1.id)
        #expect(try await core.plugins.list(community: "c").map(\.id) == [t2.id])
    }

    @Test func failedInitializeLeavesNoInstance() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        let error = await metagovError { _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "fail-init"]) }
        #expect(error?.code == .internal)
        #expect(error?.message.contains("bad token") == true)
        #expect(try await core.plugins.list(community: "c").isEmpty)
    }

    @Test func disableByNameOrIDRemovesStateAndProcesses() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        let instance = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "a"])
        let process = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q"])
        let wrongID = await metagovError { _ = try await core.plugins.disable(community: "c", name: "widget", id: instance.id + 100) }
        #expect(wrongID?.code == .notFound)
        try await core.plugins.disable(community: "c", name: "widget", id: instance.id)
        #expect(try await core.plugins.list(community: "c").isEmpty)
        #expect(await metagovError { _ = try await core.processes.get(process.id) }?.code == .notFound)
        #expect(try await core.plugins.state(pluginID: instance.id).isEmpty)
        let again = await metagovError { _ = try await core.plugins.disable(community: "c", name: "widget") }
        #expect(again?.code == .notFound)
        #expect(again?.message == "plugin 'widget' is not enabled for community 'c'")
        let unknownType = await metagovError { _ = try await core.plugins.disable(community: "c", name: "gadget") }
        #expect(unknownType?.code == .notFound)
        #expect(unknownType?.message == "plugin type 'gadget' not found")
    }

    @Test func typesDescribeSchemasActionsAndProcesses() async throws {
        let core = try makeCore()
        let types = core.plugins.types()
        #expect(types.map(\.name) == ["widget"])
        let widget = try core.plugins.type("widget")
        #expect(widget.communityPlatformIDKey == "team")
        #expect(widget.actions.map(\.slug).contains("echo"))
        #expect(widget.actions.first { $0.slug == "echo" }?.isPublic == true)
        #expect(widget.processes.map(\.name) == ["decision", "no-close"])
        #expect(widget.processes.map(\.canClose) == [true, false])
        #expect(widget.eventTypes == ["bumped"])
    }
}
