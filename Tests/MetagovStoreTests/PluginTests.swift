import Foundation
import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct PluginTests {
    @Test(arguments: StoreBackend.available) func insertAndLookUp(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
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

    @Test(arguments: StoreBackend.available) func uniquenessWithAndWithoutPlatformID(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
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

    @Test(arguments: StoreBackend.available) func listingsAreOrderedByID(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
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

    @Test(arguments: StoreBackend.available) func update(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
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

    @Test(arguments: StoreBackend.available) func deleteRemovesStateAndProcessesButKeepsEvents(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let seed = try await Seed(store)
        let process = try await store.write { writer in
            try writer.updatePluginState(pluginID: seed.plugin.id, changes: ["k": "v"], expecting: StateExpectations())
            _ = try writer.appendEvents([seed.event()])
            return try writer.insertProcess(pluginID: seed.plugin.id)
        }
        #expect(try await store.write { try $0.deletePlugin(id: seed.plugin.id) })
        #expect(try await store.write { try $0.deletePlugin(id: seed.plugin.id) } == false)
        try await store.read { reader throws in
            #expect(try reader.plugin(id: seed.plugin.id) == nil)
            #expect(try reader.pluginState(pluginID: seed.plugin.id).isEmpty)
            #expect(try reader.pluginState(pluginID: seed.plugin.id, key: "k") == nil)
            #expect(try reader.process(id: process.id) == nil)
            #expect(try reader.events(matching: EventFilter(), afterCursor: 0, limit: 10).map(\.pluginID) == [seed.plugin.id])
        }
        // The name is free again.
        let again = try await store.write { try $0.insertPlugin(community: "c", name: "p", communityPlatformID: nil, config: [:]) }
        #expect(again.id > seed.plugin.id)
    }

    @Test(arguments: StoreBackend.available) func pluginsOfSeveralCommunities(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let c = try await Seed(store)
        let d = try await Seed(store, slug: "d", plugin: "q")
        _ = try await Seed(store, slug: "e")
        let more = try await store.write { try $0.insertPlugin(community: "c", name: "z", communityPlatformID: nil, config: [:]) }
        let found = try await store.read { try $0.plugins(communities: "b"..."d") }
        #expect(found.map(\.id) == [c.plugin.id, more.id, d.plugin.id])
        #expect(try await store.read { try $0.plugins(communities: "f"..."z") }.isEmpty)
    }

    @Test(arguments: StoreBackend.available) func keyedStateIsCheckedByValue(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let id = try await Seed(store).plugin.id
        #expect(try await store.read { try $0.pluginState(pluginID: id) }.isEmpty)
        #expect(try await store.read { try $0.pluginState(pluginID: id, key: "a") } == nil)
        // Expecting "a" absent holds.
        try await store.write {
            try $0.updatePluginState(pluginID: id, changes: ["a": 1, "b": ["x": true]], expecting: StateExpectations(values: ["a": nil]))
        }
        #expect(try await store.read { try $0.pluginState(pluginID: id) } == ["a": 1, "b": ["x": true]])
        #expect(try await store.read { try $0.pluginState(pluginID: id, key: "b") } == ["x": true])
        try await store.write {
            try $0.updatePluginState(pluginID: id, changes: ["a": nil, "c": "new", "b": 2], expecting: StateExpectations(values: ["a": 1.0]))
        }
        #expect(try await store.read { try $0.pluginState(pluginID: id) } == ["b": 2, "c": "new"])
        // A unit that read "a" as 1 (it is gone now) or the whole state as it was conflicts, and writes nothing.
        await #expect(throws: StoreError.conflict("state of plugin instance \(id)")) {
            try await store.write { try $0.updatePluginState(pluginID: id, changes: ["d": 9], expecting: StateExpectations(values: ["a": 1])) }
        }
        await #expect(throws: StoreError.conflict("state of plugin instance \(id)")) {
            try await store.write {
                try $0.updatePluginState(pluginID: id, changes: ["d": 9], expecting: StateExpectations(whole: ["b": 2]))
            }
        }
        #expect(try await store.read { try $0.pluginState(pluginID: id) } == ["b": 2, "c": "new"])
        // Keys nobody read do not matter: a unit that read only "c" goes through whatever happened to "b".
        try await store.write { try $0.updatePluginState(pluginID: id, changes: ["b": 3], expecting: StateExpectations()) }
        try await store.write {
            try $0.updatePluginState(
                pluginID: id, changes: ["c": "newer", "nope": nil],
                expecting: StateExpectations(values: ["c": "new"], whole: ["b": 3, "c": "new"]))
        }
        #expect(try await store.read { try $0.pluginState(pluginID: id) } == ["b": 3, "c": "newer"])
        await #expect(throws: StoreError.notFound("plugin instance 999")) {
            try await store.write { try $0.updatePluginState(pluginID: 999, changes: ["a": 1], expecting: StateExpectations()) }
        }
        await #expect(throws: StoreError.notFound("plugin instance 999")) {
            try await store.write { try $0.updatePluginState(pluginID: 999, changes: ["a": nil], expecting: StateExpectations()) }
        }
    }

    @Test(arguments: StoreBackend.available) func stateOfDifferentPluginsIsSeparate(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let first = try await Seed(store).plugin.id
        let second = try await store.write { try $0.insertPlugin(community: "c", name: "q", communityPlatformID: nil, config: [:]) }.id
        try await store.write { writer in
            try writer.updatePluginState(pluginID: first, changes: ["k": 1], expecting: StateExpectations())
            try writer.updatePluginState(pluginID: second, changes: ["k": 2], expecting: StateExpectations())
        }
        #expect(try await store.read { try $0.pluginState(pluginID: first) } == ["k": 1])
        #expect(try await store.read { try $0.pluginState(pluginID: second) } == ["k": 2])
    }
}
