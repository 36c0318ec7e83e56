import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct ActionTests {
    private func coreWithWidget() async throws -> Metagov {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        return core
    }

    @Test func validatesInputAndFillsDefaults() async throws {
        let core = try await coreWithWidget()
        let result = try await core.actions.perform(community: "c", plugin: "widget", action: "echo", parameters: ["message": "hi"])
        #expect(result == ["message": "hi", "times": 1])
        let error = await metagovError {
            _ = try await core.actions.perform(community: "c", plugin: "widget", action: "echo", parameters: ["message": 3])
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.hasPrefix("Validation error") == true)
        #expect(error?.message.contains("/message") == true)
    }

    @Test func notFoundAndNotEnabled() async throws {
        let core = try await coreWithWidget()
        let action = await metagovError { _ = try await core.actions.perform(community: "c", plugin: "widget", action: "nope") }
        #expect(action?.code == .notFound)
        #expect(action?.message == "action 'widget.nope' not found")
        let type = await metagovError { _ = try await core.actions.perform(community: "c", plugin: "nope", action: "x") }
        #expect(type?.message == "plugin type 'nope' not found")
        let community = await metagovError { _ = try await core.actions.perform(community: "zz", plugin: "widget", action: "echo") }
        #expect(community?.code == .notFound)
        #expect(community?.message == "community 'zz' not found")
        _ = try await core.communities.create(slug: "other", readableName: "O")
        let disabled = await metagovError {
            _ = try await core.actions.perform(community: "other", plugin: "widget", action: "echo", parameters: ["message": "x"])
        }
        #expect(disabled?.code == .failedPrecondition)
        #expect(disabled?.message == "plugin 'widget' is not enabled for community 'other'")
    }

    @Test func stateAndEventsAreKeptOnSuccess() async throws {
        let core = try await coreWithWidget()
        for expected in 1...3 {
            let result = try await core.actions.perform(community: "c", plugin: "widget", action: "bump")
            #expect(result == ["count": .integer(expected)])
        }
        let events = try await core.events.list()
        #expect(events.map(\.eventType) == ["bumped", "bumped", "bumped"])
        #expect(events.map(\.data) == [["count": 1], ["count": 2], ["count": 3]])
        #expect(events.map(\.source) == ["widget", "widget", "widget"])
        #expect(events.map(\.initiator) == [["user_id": "tester"], ["user_id": "tester"], ["user_id": "tester"]])
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.cursor < $1.cursor })
    }

    @Test func pluginFaultsAreInternalAndLeaveNothing() async throws {
        let core = try await coreWithWidget()
        let instance = try await core.plugins.get(community: "c", name: "widget")
        let boom = await metagovError { _ = try await core.actions.perform(community: "c", plugin: "widget", action: "boom") }
        #expect(boom?.code == .internal)
        #expect(boom?.message == "plugin 'widget' failed: the widget broke")
        let bad = await metagovError { _ = try await core.actions.perform(community: "c", plugin: "widget", action: "bad-output") }
        #expect(bad?.code == .internal)
        #expect(bad?.message.contains("invalid result") == true)
        #expect(bad?.message.contains("/value") == true)
        let undeclared = await metagovError {
            _ = try await core.actions.perform(community: "c", plugin: "widget", action: "undeclared-event")
        }
        #expect(undeclared?.code == .internal)
        #expect(undeclared?.message.contains("surprise") == true)
        #expect(try await core.plugins.state(pluginID: instance.id)["touched"] == nil)
        #expect(try await core.events.list().isEmpty)
    }

    @Test func typedPluginErrorsBecomeInvalidArgument() async throws {
        let core = try await coreWithWidget()
        let error = await metagovError { _ = try await core.actions.perform(community: "c", plugin: "widget", action: "reject") }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message == "widgets do not like this input")
    }

    @Test func concurrentStateWritesLoseNoUpdate() async throws {
        let core = try await coreWithWidget()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask { _ = try await core.actions.perform(community: "c", plugin: "widget", action: "bump") }
            }
            try await group.waitForAll()
        }
        let instance = try await core.plugins.get(community: "c", name: "widget")
        #expect(try await core.plugins.state(pluginID: instance.id)["count"] == 40)
        #expect(try await core.events.list().count == 40)
    }
}
