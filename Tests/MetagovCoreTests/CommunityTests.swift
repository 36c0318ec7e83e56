import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct CommunityTests {
    @Test func createShowUpdateDelete() async throws {
        let core = try makeCore()
        let created = try await core.communities.create(slug: "my-town_1", readableName: "My Town")
        #expect(created.slug == "my-town_1")
        #expect(try await core.communities.get("my-town_1").readableName == "My Town")
        let renamed = try await core.communities.update("my-town_1", readableName: "Our Town")
        #expect(renamed.readableName == "Our Town")
        #expect(try await core.communities.get("my-town_1").readableName == "Our Town")
        try await core.communities.delete("my-town_1")
        let error = await metagovError { _ = try await core.communities.get("my-town_1") }
        #expect(error?.code == .notFound)
        #expect(error?.message == "community 'my-town_1' not found")
    }

    @Test func generatesSlugWhenNoneGiven() async throws {
        let core = try makeCore()
        let a = try await core.communities.create(readableName: "A")
        let b = try await core.communities.create(slug: "", readableName: "B")
        #expect(Slug.isValid(a.slug))
        #expect(a.slug.count == 36)
        #expect(a.slug != b.slug)
    }

    @Test(arguments: ["has space", "emoji🙂", "slash/", String(repeating: "x", count: 101), "dot.ted"])
    func rejectsInvalidSlugs(_ slug: String) async throws {
        let core = try makeCore()
        let error = await metagovError { _ = try await core.communities.create(slug: slug, readableName: "X") }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("not a valid slug") == true)
    }

    @Test func duplicateSlugAlreadyExists() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "dup", readableName: "One")
        let error = await metagovError { _ = try await core.communities.create(slug: "dup", readableName: "Two") }
        #expect(error?.code == .alreadyExists)
        #expect(error?.message.contains("already exists") == true)
        #expect(try await core.communities.get("dup").readableName == "One")
    }

    @Test func missingCommunitiesAreNotFound() async throws {
        let core = try makeCore()
        #expect(await metagovError { _ = try await core.communities.update("nope", readableName: "X") }?.code == .notFound)
        #expect(await metagovError { _ = try await core.communities.delete("nope") }?.code == .notFound)
        #expect(await metagovError { _ = try await core.plugins.list(community: "nope") }?.code == .notFound)
    }

    @Test func listsInPages() async throws {
        let core = try makeCore()
        for i in 0..<5 { _ = try await core.communities.create(slug: "c\(i)", readableName: "C\(i)") }
        var slugs: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try await core.communities.list(pageSize: 2, pageToken: token)
            slugs += page.items.map(\.slug)
            token = page.nextPageToken
            pages += 1
        } while token != nil
        #expect(slugs == ["c0", "c1", "c2", "c3", "c4"])
        #expect(pages == 3)
        #expect(try await core.communities.list().items.count == 5)
        #expect(await metagovError { _ = try await core.communities.list(pageToken: "%%%") }?.code == .invalidArgument)
        #expect(await metagovError { _ = try await core.communities.list(pageSize: -1) }?.code == .invalidArgument)
    }

    @Test func deleteCascadesToEverythingTheCommunityOwns() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "gone", readableName: "Gone")
        _ = try await core.communities.create(slug: "kept", readableName: "Kept")
        for slug in ["gone", "kept"] {
            let plugin = try await core.plugins.enable(community: slug, name: "widget", config: ["token": "t"])
            _ = try await core.actions.perform(community: slug, plugin: "widget", action: "bump")
            _ = try await core.processes.start(community: slug, plugin: "widget", process: "decision", parameters: ["question": "q"])
            _ = try await core.identity.createIDs(community: slug, count: 2)
            #expect(try await core.plugins.state(pluginID: plugin.id)["count"] == 1)
        }
        let gonePlugin = try await core.plugins.get(community: "gone", name: "widget")
        try await core.communities.delete("gone")
        #expect(try await core.plugins.state(pluginID: gonePlugin.id).isEmpty)
        #expect(try await core.processes.list(ProcessFilter()).items.map(\.community) == ["kept"])
        #expect(try await core.events.list().map(\.community).allSatisfy { $0 == "kept" })
        #expect(try await core.events.list().count == 2)
        #expect(try await core.identity.getUsers(community: "kept").count == 2)
        _ = try await core.communities.create(slug: "gone", readableName: "Again")
        #expect(try await core.plugins.list(community: "gone").isEmpty)
        #expect(try await core.identity.getUsers(community: "gone").isEmpty)
    }
}
