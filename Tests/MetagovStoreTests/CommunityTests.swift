import Foundation
import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct CommunityTests {
    @Test(arguments: StoreBackend.available) func insertReadAndDuplicate(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let before = Date()
        let inserted = try await store.write { try $0.insertCommunity(slug: "x", readableName: "X") }
        #expect(inserted.slug == "x" && inserted.readableName == "X")
        #expect(abs(inserted.createdAt.timeIntervalSince(before)) < 5)
        #expect(inserted.createdAt == inserted.updatedAt)
        #expect(try await store.read { try $0.community(slug: "x") } == inserted)
        #expect(try await store.read { try $0.community(slug: "missing") } == nil)
        await #expect(throws: StoreError.alreadyExists("community 'x'")) {
            try await store.write { _ = try $0.insertCommunity(slug: "x", readableName: "Again") }
        }
        #expect(try await store.read { try $0.community(slug: "x") }?.readableName == "X")
    }

    @Test(arguments: StoreBackend.available) func keysetPaging(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        try await store.write { writer in
            for slug in ["d", "a", "c", "e", "b"] { _ = try writer.insertCommunity(slug: slug, readableName: slug) }
        }
        #expect(try await store.read { try $0.communities(afterSlug: nil, limit: 2) }.map(\.slug) == ["a", "b"])
        #expect(try await store.read { try $0.communities(afterSlug: "b", limit: 2) }.map(\.slug) == ["c", "d"])
        #expect(try await store.read { try $0.communities(afterSlug: "d", limit: 2) }.map(\.slug) == ["e"])
        #expect(try await store.read { try $0.communities(afterSlug: "e", limit: 2) }.isEmpty)
        #expect(try await store.read { try $0.communities(afterSlug: "bb", limit: 10) }.map(\.slug) == ["c", "d", "e"])
        #expect(try await store.read { try $0.communities(afterSlug: nil, limit: 0) }.isEmpty)
        #expect(try await store.read { try $0.communities(afterSlug: nil, limit: -1) }.isEmpty)
    }

    @Test(arguments: StoreBackend.available) func update(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let inserted = try await store.write { try $0.insertCommunity(slug: "x", readableName: "X") }
        let updated = try await store.write { try $0.updateCommunity(slug: "x", readableName: "Renamed") }
        #expect(updated.readableName == "Renamed")
        #expect(updated.createdAt == inserted.createdAt)
        #expect(updated.updatedAt >= inserted.updatedAt)
        #expect(try await store.read { try $0.community(slug: "x") } == updated)
        await #expect(throws: StoreError.notFound("community 'nope'")) {
            try await store.write { _ = try $0.updateCommunity(slug: "nope", readableName: "N") }
        }
    }

    @Test(arguments: StoreBackend.available) func deleteCascadesToEverythingTheCommunityOwns(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let seed = try await Seed(store)
        let other = try await Seed(store, slug: "other")
        let (process, ids) = try await store.write { writer in
            try writer.updatePluginState(pluginID: seed.plugin.id, changes: ["k": 1], expecting: StateExpectations())
            let process = try writer.insertProcess(pluginID: seed.plugin.id)
            _ = try writer.appendEvents([seed.event(), other.event()])
            let ids = try writer.createMetagovIDs(community: "c", count: 2).map(\.externalID)
            try writer.upsertLinkedAccount(writer.account(ids[0], "U1"))
            return (process, ids)
        }
        #expect(try await store.write { try $0.deleteCommunity(slug: "c") })
        #expect(try await store.write { try $0.deleteCommunity(slug: "c") } == false)
        try await store.read { reader throws in
            #expect(try reader.community(slug: "c") == nil)
            #expect(try reader.plugin(id: seed.plugin.id) == nil)
            #expect(try reader.plugins(community: "c").isEmpty)
            #expect(try reader.pluginState(pluginID: seed.plugin.id).isEmpty)
            #expect(try reader.process(id: process.id) == nil)
            #expect(try reader.metagovID(externalID: ids[0]) == nil)
            #expect(try reader.linkedAccounts(externalIDs: ids).isEmpty)
            #expect(try reader.linkedAccounts(matching: AccountFilter(community: "c")).isEmpty)
            #expect(try reader.events(matching: EventFilter(community: "c"), afterCursor: 0, limit: 10).isEmpty)
            // The other community is untouched.
            #expect(try reader.plugins(community: "other").map(\.id) == [other.plugin.id])
            #expect(try reader.events(matching: EventFilter(), afterCursor: 0, limit: 10).map(\.community) == ["other"])
        }
    }
}
