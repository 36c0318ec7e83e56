import Foundation
import HelloExtension
import MetagovCore
import MetagovSQLite
import Testing

/// The `hello` plugin type driven through the governance core directly (no server): what a unit test of a
/// plugin looks like.
@Suite("hello plugin, in the core")
struct HelloPluginTests {
    /// A core with the hello extension loaded, over an in-memory database.
    private func makeCore() throws -> Metagov {
        let extensions: [any MetagovExtension] = [HelloExtension()]
        let registry = try ExtensionRegistry(available: extensions)
        try registry.load(["hello"])
        return try Metagov(store: try SQLiteStore.inMemory(), registry: registry)
    }

    @Test("greet answers with the configured greeting and sends a greeted event")
    func greet() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "town", readableName: "Town")
        _ = try await core.plugins.enable(community: "town", name: "hello", config: ["greeting": "Howdy"])
        let result = try await core.actions.perform(community: "town", plugin: "hello", action: "greet", parameters: ["name": "Ada"])
        #expect(result["text"] == "Howdy, Ada!")
        let events = try await core.events.list(EventFilter(community: "town"))
        #expect(events.map(\.eventType) == ["greeted"])
        #expect(events.first?.data["name"] == "Ada")
    }

    @Test("greet without a name is refused, naming the field")
    func greetNeedsName() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "town", readableName: "Town")
        _ = try await core.plugins.enable(community: "town", name: "hello")
        await #expect {
            _ = try await core.actions.perform(community: "town", plugin: "hello", action: "greet", parameters: [:])
        } throws: { error in
            (error as? MetagovError)?.code == .invalidArgument && "\(error)".contains("name")
        }
    }

    @Test("a timed decision is decided by the scheduler once its time is up, or earlier when closed")
    func timedDecision() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "town", readableName: "Town")
        _ = try await core.plugins.enable(community: "town", name: "hello")
        let due = try await core.processes.start(
            community: "town", plugin: "hello", process: "timed-decision", parameters: ["question": "Picnic?", "minutes": 0])
        #expect(due.status == .pending)
        let later = try await core.processes.start(
            community: "town", plugin: "hello", process: "timed-decision", parameters: ["question": "Fair?"])
        _ = try await core.scheduler.tick()
        let decided = try await core.processes.get(due.id)
        #expect(decided.status == .completed)
        #expect(decided.outcome == ["question": "Picnic?", "decided": "when its time was up"])
        #expect(try await core.processes.get(later.id).status == .pending)
        let closed = try await core.processes.close(later.id)
        #expect(closed.outcome == ["question": "Fair?", "decided": "closed early"])
    }
}
