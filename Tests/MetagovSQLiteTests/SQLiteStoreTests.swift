import Foundation
import MetagovCore
import MetagovSQLite
import Testing

@Suite struct SQLiteStoreTests {
    final class TemporaryFile {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        var path: String { directory.appendingPathComponent("db.sqlite").path }
        init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    private func seeded(_ store: SQLiteStore) throws -> PluginInstance {
        try store.write { writer in
            _ = try writer.insertCommunity(slug: "c", readableName: "C")
            return try writer.insertPlugin(community: "c", name: "p", communityPlatformID: nil, config: ["a": 1])
        }
    }

    @Test func fileDatabaseUsesWALAndSurvivesReopening() throws {
        let file = try TemporaryFile()
        do {
            let store = try SQLiteStore(path: file.path)
            #expect(try store.journalMode() == "wal")
            let plugin = try seeded(store)
            _ = try store.write { try $0.updatePluginState(pluginID: plugin.id, changes: ["k": ["x": [1, 2.5, nil, true, "s"]]], expectedVersion: nil) }
        }
        let reopened = try SQLiteStore(path: file.path)
        #expect(try reopened.read { try $0.community(slug: "c") }?.readableName == "C")
        let plugin = try #require(try reopened.read { try $0.plugin(community: "c", name: "p", communityPlatformID: nil) })
        #expect(plugin.config == ["a": 1])
        #expect(try reopened.read { try $0.pluginState(pluginID: plugin.id) } == ["k": ["x": [1, 2.5, nil, true, "s"]]])
    }

    @Test func uniquenessWithAndWithoutPlatformID() throws {
        let store = try SQLiteStore.inMemory()
        _ = try seeded(store)
        #expect(throws: StoreError.alreadyExists("community 'c'")) { try store.write { _ = try $0.insertCommunity(slug: "c", readableName: "X") } }
        #expect(throws: StoreError.self) {
            try store.write { _ = try $0.insertPlugin(community: "c", name: "p", communityPlatformID: nil, config: [:]) }
        }
        let t1 = try store.write { try $0.insertPlugin(community: "c", name: "p", communityPlatformID: "T1", config: [:]) }
        #expect(throws: StoreError.self) {
            try store.write { _ = try $0.insertPlugin(community: "c", name: "p", communityPlatformID: "T1", config: [:]) }
        }
        #expect(try store.read { try $0.plugins(community: "c", name: "p") }.count == 2)
        #expect(try store.read { try $0.plugin(community: "c", name: "p", communityPlatformID: "T1") }?.id == t1.id)
        #expect(throws: StoreError.notFound("community 'zz'")) {
            try store.write { _ = try $0.insertPlugin(community: "zz", name: "p", communityPlatformID: nil, config: [:]) }
        }
    }

    @Test func optimisticConcurrencyOnStateAndProcesses() throws {
        let store = try SQLiteStore.inMemory()
        let plugin = try seeded(store)
        let version = try #require(try store.read { try $0.pluginStateVersion(pluginID: plugin.id) })
        let next = try store.write { try $0.updatePluginState(pluginID: plugin.id, changes: ["a": 1], expectedVersion: version) }
        #expect(next == version + 1)
        #expect(throws: StoreError.conflict("state of plugin instance \(plugin.id)")) {
            try store.write { try $0.updatePluginState(pluginID: plugin.id, changes: ["a": 2], expectedVersion: version) }
        }
        _ = try store.write { try $0.updatePluginState(pluginID: plugin.id, changes: ["a": nil], expectedVersion: nil) }
        #expect(try store.read { try $0.pluginState(pluginID: plugin.id) }.isEmpty)
        var process = try store.write {
            try $0.insertProcess(pluginID: plugin.id, name: "vote", status: .created, outcome: nil, errors: nil, state: [:], callbackURL: nil)
        }
        #expect(process.version == 1)
        process.status = .pending
        let saved = try store.write { try $0.updateProcess(process) }
        #expect(saved.version == 2)
        #expect(saved.status == .pending)
        #expect(throws: StoreError.conflict("process \(process.id)")) { try store.write { _ = try $0.updateProcess(process) } }
    }

    @Test func eventCursorsIncreaseAndAreNeverReused() throws {
        let store = try SQLiteStore.inMemory()
        let plugin = try seeded(store)
        let event = NewEvent(community: "c", source: "p", pluginID: plugin.id, eventType: "e", data: ["n": 1], initiator: [:])
        let first = try store.write { try $0.appendEvents([event, event]) }
        #expect(first[1].cursor > first[0].cursor)
        _ = try store.write { try $0.deleteCommunity(slug: "c") }
        _ = try seeded(store)
        let later = try store.write { try $0.appendEvents([event]) }
        #expect(later[0].cursor > first[1].cursor)
        #expect(try store.read { try $0.lastEventCursor() } == later[0].cursor)
        #expect(try store.read { try $0.events(matching: EventFilter(), afterCursor: 0, limit: 10) }.map(\.cursor) == [later[0].cursor])
        #expect(try store.read { try $0.events(matching: EventFilter(eventTypes: ["other"]), afterCursor: 0, limit: 10) }.isEmpty)
    }

    @Test func aThrowingWriteRollsBack() throws {
        struct Boom: Error {}
        let store = try SQLiteStore.inMemory()
        #expect(throws: Boom.self) {
            try store.write { writer in
                _ = try writer.insertCommunity(slug: "gone", readableName: "G")
                throw Boom()
            }
        }
        #expect(try store.read { try $0.community(slug: "gone") } == nil)
    }

    @Test func concurrentWritersGetDistinctCursors() async throws {
        let file = try TemporaryFile()
        let store = try SQLiteStore(path: file.path)
        let plugin = try seeded(store)
        let event = NewEvent(community: "c", source: "p", pluginID: plugin.id, eventType: "e", data: [:], initiator: [:])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<100 { _ = try store.write { try $0.appendEvents([event]) } } }
            }
            try await group.waitForAll()
        }
        let cursors = try store.read { try $0.events(matching: EventFilter(), afterCursor: 0, limit: 10_000) }.map(\.cursor)
        #expect(cursors.count == 800)
        #expect(Set(cursors).count == 800)
        #expect(cursors == cursors.sorted())
    }

    @Test func identityGroupsAndAccounts() throws {
        let store = try SQLiteStore.inMemory()
        _ = try seeded(store)
        let ids = try store.write { try $0.createMetagovIDs(community: "c", count: 3) }.map(\.externalID)
        try store.write { writer in
            try writer.reassignPrimary(from: ids[1], to: ids[0])
            try writer.upsertLinkedAccount(LinkedAccount(
                externalID: ids[1], community: "c", platformType: "slack", platformIdentifier: "U1",
                communityPlatformID: nil, customData: [:], linkType: .oauth, linkQuality: .unconfirmed))
        }
        #expect(try store.read { try $0.metagovIDs(primaryExternalID: ids[0]) }.map(\.externalID).sorted() == [ids[0], ids[1]].sorted())
        #expect(try store.read { try $0.primaryMetagovIDs(community: "c") }.count == 2)
        let none = AccountFilter(community: "c", platformType: "slack", communityPlatformID: "")
        #expect(try store.read { try $0.linkedAccounts(matching: none) }.count == 1)
        let other = AccountFilter(community: "c", communityPlatformID: "T9")
        #expect(try store.read { try $0.linkedAccounts(matching: other) }.isEmpty)
        #expect(try store.write { try $0.deleteLinkedAccount(community: "c", platformType: "slack", platformIdentifier: "U1", communityPlatformID: nil) })
    }
}
