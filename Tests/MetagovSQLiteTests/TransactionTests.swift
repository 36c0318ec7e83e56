import Foundation
import MetagovCore
import MetagovSQLite
import Testing

@Suite struct TransactionTests {
    @Test func aThrowingWriteRollsEverythingBack() async throws {
        let store = try SQLiteStore.inMemory()
        let seed = try await Seed(store)
        await #expect(throws: Boom.self) {
            try await store.write { writer in
                _ = try writer.insertCommunity(slug: "gone", readableName: "G")
                _ = try writer.appendEvents([seed.event()])
                try writer.updatePluginState(pluginID: seed.plugin.id, changes: ["k": 1], expectedVersion: nil)
                _ = try writer.deletePlugin(id: seed.plugin.id)
                throw Boom()
            }
        }
        try await store.read { reader throws in
            #expect(try reader.community(slug: "gone") == nil)
            #expect(try reader.events(matching: EventFilter(), afterCursor: 0, limit: 10).isEmpty)
            #expect(try reader.lastEventCursor() == 0)
            #expect(try reader.plugin(id: seed.plugin.id) == seed.plugin)
            #expect(try reader.pluginStateVersion(pluginID: seed.plugin.id) == 0)
        }
    }

    @Test func aStoreErrorInsideAWriteRollsBackToo() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await Seed(store)
        await #expect(throws: StoreError.alreadyExists("community 'c'")) {
            try await store.write { writer in
                _ = try writer.insertCommunity(slug: "fresh", readableName: "F")
                _ = try writer.insertCommunity(slug: "c", readableName: "dup")
            }
        }
        #expect(try await store.read { try $0.community(slug: "fresh") } == nil)
    }

    @Test func aCaughtConstraintErrorLeavesTheTransactionUsable() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await Seed(store)
        try await store.write { writer in
            _ = try writer.insertCommunity(slug: "first", readableName: "1")
            do {
                _ = try writer.insertCommunity(slug: "c", readableName: "dup")
                Issue.record("duplicate accepted")
            } catch StoreError.alreadyExists {}
            _ = try writer.insertCommunity(slug: "second", readableName: "2")
        }
        #expect(try await store.read { try $0.communities(afterSlug: nil, limit: 10) }.map(\.slug) == ["c", "first", "second"])
        #expect(try await store.read { try $0.community(slug: "c") }?.readableName == "C")
    }

    @Test func writesSeeTheirOwnChangesAndReturnValues() async throws {
        let store = try SQLiteStore.inMemory()
        let count = try await store.write { writer in
            _ = try writer.insertCommunity(slug: "a", readableName: "A")
            return try writer.communities(afterSlug: nil, limit: 10).count
        }
        #expect(count == 1)
    }

    @Test func readBodiesGetNoWriter() async throws {
        let store = try SQLiteStore.inMemory()
        @Sendable func isWriter(_ reader: any StoreReader) -> Bool { reader is any StoreWriter }
        #expect(try await store.read { isWriter($0) } == false)
        #expect(try await store.write { isWriter($0) })
    }
}
