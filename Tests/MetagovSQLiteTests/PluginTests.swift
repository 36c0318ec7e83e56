import Foundation
import MetagovCore
import MetagovSQLite
import Testing

@Suite struct PluginTests {
    @Test func insertAndLookUp() async throws {
        let store = try SQLiteStore.inMemory()
        let seed = try await Seed(store)
        let plugin = seed.plugin
        #expect(plugin.community == "c" && plugin.name == "p" && plugin.communityPlatformID == nil)
        #expect(try await store.read { try $0.plugin(id: plugin.id) } == plugin)
        #expect(try await store.read { try $0.plugin(community: "c", name: "p", communityPlatformID: nil) } == plugin)
        #expect(try await store.read { try $0.plugin(community: "c", name: "p", communityPlatformID: "T1") } == nil)
        #expect(try await store.read { try $0.plugin(community: "c", name: "q", communityPlatformID: nil) } == nil)
        #expect(try await store.read { try $0.plugin(id: plugin.id + 100) } == nil)
        await #expect(throws: StoreError.notFound("community 'zz'")) {
            try await store.write { _ = try $0.insertPlugin(community: "zz", name: "p", communityPlatformID: nil, config: [:]) }
        }
    }

    @Test func uniquenessWithAndWithoutPlatformID() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await Seed(store, plugin: "randomness")
        await #expect(throws: StoreError.alreadyExists("plugin 'randomness' in community 'c'")) {
            try await store.write { _ = try $0.insertPlugin(community: "c", name: "randomness", communityPlatformID: nil, config: [:]) }
        }
        let t1 = try await store.write { try $0.insertPlugin(community: "c", name: "randomness", communityPlatformID: "T1", config: [:]) }
        let t2 = try await store.write { try $0.insertPlugin(community: "c", name: "randomness", communityPlatformID: "T2", config: [:]) }
        await #expect(throws: StoreError.alreadyExists("plugin 'randomness' (community_platform_id 'T1') in community 'c'")) {
            try await store.write { _ = try $0.insertPlugin(community: "c", name: "randomness", communityPlatformID: "T1", config: [:]) }
        }
        // The same name and platform id in another community is fine.
        _ = try await store.write { writer in
            _ = try writer.insertCommunity(slug: "d", readableName: "D")
            return try writer.insertPlugin(community: "d", name: "randomness", communityPlatformID: "T1", config: [:])
        }
        #expect(try await store.read { try $0.plugin(community: "c", name: "randomness", communityPlatformID: "T1") } == t1)
        #expect(try await store.read { try $0.plugin(community: "c", name: "randomness", communityPlatformID: "T2") } == t2)
        #expect(try await store.read { try $0.plugins(community: "c", name: "randomness") }.map(\.communityPlatformID) == [nil, "T1", "T2"])
    }

    @Test func listingsAreOrderedByID() async throws {
        let store = try SQLiteStore.inMemory()
        let c = try await Seed(store, slug: "c", plugin: "z")
        let d = try await Seed(store, slug: "d", plugin: "y")
        let more = try await store.write { writer in
            [try writer.insertPlugin(community: "c", name: "a", communityPlatformID: nil, config: [:]),
             try writer.insertPlugin(community: "c", name: "z", communityPlatformID: "T", config: [:])]
        }
        #expect(try await store.read { try $0.plugins(community: "c") }.map(\.id) == [c.plugin.id, more[0].id, more[1].id])
        #expect(try await store.read { try $0.plugins(community: "c", name: "z") }.map(\.id) == [c.plugin.id, more[1].id])
        #expect(try await store.read { try $0.plugins(community: "nobody") }.isEmpty)
        #expect(try await store.read { try $0.allPlugins() }.map(\.id) == [c.plugin.id, d.plugin.id, more[0].id, more[1].id])
    }

    @Test func update() async throws {
        let store = try SQLiteStore.inMemory()
        let seed = try await Seed(store)
        let other = try await store.write { try $0.insertPlugin(community: "c", name: "p", communityPlatformID: "T1", config: [:]) }
        let updated = try await store.write { try $0.updatePlugin(id: seed.plugin.id, communityPlatformID: "T2", config: ["b": [1, 2]]) }
        #expect(updated.communityPlatformID == "T2")
        #expect(updated.config == ["b": [1, 2]])
        #expect(updated.createdAt == seed.plugin.createdAt)
        #expect(updated.updatedAt >= seed.plugin.updatedAt)
        #expect(try await store.read { try $0.plugin(id: seed.plugin.id) } == updated)
        await #expect(throws: StoreError.alreadyExists("plugin 'p' (community_platform_id 'T1') in community 'c'")) {
            try await store.write { _ = try $0.updatePlugin(id: seed.plugin.id, communityPlatformID: "T1", config: [:]) }
        }
        #expect(try await store.read { try $0.plugin(id: other.id) } == other)
        await #expect(throws: StoreError.notFound("plugin instance 999")) {
            try await store.write { _ = try $0.updatePlugin(id: 999, communityPlatformID: nil, config: [:]) }
        }
    }

    @Test func deleteRemovesStateAndProcessesButKeepsEvents() async throws {
        let store = try SQLiteStore.inMemory()
        let seed = try await Seed(store)
        let process = try await store.write { writer in
            try writer.updatePluginState(pluginID: seed.plugin.id, changes: ["k": "v"], expectedVersion: nil)
            _ = try writer.appendEvents([seed.event()])
            return try writer.insertProcess(pluginID: seed.plugin.id)
        }
        #expect(try await store.write { try $0.deletePlugin(id: seed.plugin.id) })
        #expect(try await store.write { try $0.deletePlugin(id: seed.plugin.id) } == false)
        try await store.read { reader throws in
            #expect(try reader.plugin(id: seed.plugin.id) == nil)
            #expect(try reader.pluginState(pluginID: seed.plugin.id).isEmpty)
            #expect(try reader.pluginStateVersion(pluginID: seed.plugin.id) == nil)
            #expect(try reader.process(id: process.id) == nil)
            #expect(try reader.events(matching: EventFilter(), afterCursor: 0, limit: 10).map(\.pluginID) == [seed.plugin.id])
        }
        // The name is free again.
        let again = try await store.write { try $0.insertPlugin(community: "c", name: "p", communityPlatformID: nil, config: [:]) }
        #expect(again.id > seed.plugin.id)
    }

    @Test func stateVersionsAndConflicts() async throws {
        let store = try SQLiteStore.inMemory()
        let id = try await Seed(store).plugin.id
        #expect(try await store.read { try $0.pluginStateVersion(pluginID: id) } == 0)
        #expect(try await store.read { try $0.pluginState(pluginID: id) }.isEmpty)
        let v1 = try await store.write { try $0.updatePluginState(pluginID: id, changes: ["a": 1, "b": ["x": true]], expectedVersion: 0) }
        #expect(v1 == 1)
        #expect(try await store.read { try $0.pluginState(pluginID: id) } == ["a": 1, "b": ["x": true]])
        let v2 = try await store.write { try $0.updatePluginState(pluginID: id, changes: ["a": nil, "c": "new", "b": 2], expectedVersion: v1) }
        #expect(v2 == 2)
        #expect(try await store.read { try $0.pluginState(pluginID: id) } == ["b": 2, "c": "new"])
        await #expect(throws: StoreError.conflict("state of plugin instance \(id)")) {
            try await store.write { try $0.updatePluginState(pluginID: id, changes: ["a": 9], expectedVersion: v1) }
        }
        #expect(try await store.read { try $0.pluginState(pluginID: id) } == ["b": 2, "c": "new"])
        #expect(try await store.read { try $0.pluginStateVersion(pluginID: id) } == v2)
        // Without a check the write always goes through, and an empty change set still bumps the version.
        #expect(try await store.write { try $0.updatePluginState(pluginID: id, changes: [:], expectedVersion: nil) } == 3)
        // Deleting a missing key is harmless.
        #expect(try await store.write { try $0.updatePluginState(pluginID: id, changes: ["nope": nil], expectedVersion: 3) } == 4)
        await #expect(throws: StoreError.notFound("plugin instance 999")) {
            try await store.write { try $0.updatePluginState(pluginID: 999, changes: ["a": 1], expectedVersion: nil) }
        }
        await #expect(throws: StoreError.notFound("plugin instance 999")) {
            try await store.write { try $0.updatePluginState(pluginID: 999, changes: ["a": 1], expectedVersion: 0) }
        }
        #expect(try await store.read { try $0.pluginStateVersion(pluginID: 999) } == nil)
    }

    @Test func stateOfDifferentPluginsIsSeparate() async throws {
        let store = try SQLiteStore.inMemory()
        let first = try await Seed(store).plugin.id
        let second = try await store.write { try $0.insertPlugin(community: "c", name: "q", communityPlatformID: nil, config: [:]) }.id
        try await store.write { writer in
            try writer.updatePluginState(pluginID: first, changes: ["k": 1], expectedVersion: nil)
            try writer.updatePluginState(pluginID: second, changes: ["k": 2], expectedVersion: nil)
        }
        #expect(try await store.read { try $0.pluginState(pluginID: first) } == ["k": 1])
        #expect(try await store.read { try $0.pluginState(pluginID: second) } == ["k": 2])
    }
}
