import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct CommunityTests {
    @Test(arguments: StoreBackend.available) func createShowUpdateDelete(_ backend: StoreBackend) async throws {
        let core = try makeCore(backend: backend)
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

    @Test(arguments: StoreBackend.available) func detailsCarryEachCommunitysPluginsPageByPage(_ backend: StoreBackend) async throws {
        let core = try makeCore(backend: backend)
        for slug in ["d", "a", "c", "b"] {
            _ = try await core.communities.create(slug: slug, readableName: slug.uppercased())
        }
        for (slug, team) in [("a", "t1"), ("c", "t1"), ("a", "t2")] {
            _ = try await core.plugins.enable(community: slug, name: "widget", config: ["token": "x", "team": .string(team)])
        }
        let a = try await core.communities.details("a")
        #expect(a.community.readableName == "A")
        #expect(a.plugins.map(\.communityPlatformID) == ["t1", "t2"])
        #expect(try await core.communities.details("b").plugins.isEmpty)
        #expect(await metagovError { _ = try await core.communities.details("zz") }?.code == .notFound)
        let first = try await core.communities.listDetails(pageSize: 3)
        #expect(first.items.map(\.community.slug) == ["a", "b", "c"])
        #expect(first.items.map(\.plugins.count) == [2, 0, 1])
        #expect(first.items[0] == a)
        let second = try await core.communities.listDetails(pageSize: 3, pageToken: first.nextPageToken)
        #expect(second.items.map(\.community.slug) == ["d"])
        #expect(second.items[0].plugins.isEmpty && second.nextPageToken == nil)
    }

    @Test(arguments: StoreBackend.available) func generatesSlugWhenNoneGiven(_ backend: StoreBackend) async throws {
        let core = try makeCore(backend: backend)
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

    @Test(arguments: StoreBackend.available) func duplicateSlugAlreadyExists(_ backend: StoreBackend) async throws {
        let core = try makeCore(backend: backend)
        _ = try await core.communities.create(slug: "dup", readableName: "One")
        let error = await metagovError { _ = try await core.communities.create(slug: "dup", readableName: "Two") }
        #expect(error?.code == .alreadyExists)
        #expect(error?.message.contains("already exists") == true)
        #expect(try await core.communities.get("dup").readableName == "One")
    }

    @Test(arguments: StoreBackend.available) func missingCommunitiesAreNotFound(_ backend: StoreBackend) async throws {
        let core = try makeCore(backend: backend)
        #expect(await metagovError { _ = try await core.communities.update("nope", readableName: "X") }?.code == .notFound)
        #expect(await metagovError { _ = try await core.communities.delete("nope") }?.code == .notFound)
        #expect(await metagovError { _ = try await core.plugins.list(community: "nope") }?.code == .notFound)
    }

    @Test(arguments: StoreBackend.available) func listsInPages(_ backend: StoreBackend) async throws {
        let core = try makeCore(backend: backend)
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

    @Test(arguments: StoreBackend.available) func deleteCascadesToEverythingTheCommunityOwns(_ backend: StoreBackend) async throws {
        let core = try makeCore(backend: backend)
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
