import Foundation
import MetagovCore
import MetagovSQLite
import MetagovTestSupport
import Testing

@Suite struct TransactionTests {
    @Test(arguments: StoreBackend.available) func aThrowingWriteRollsEverythingBack(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let seed = try await Seed(store)
        await #expect(throws: Boom.self) {
            try await store.write { writer in
                _ = try writer.insertCommunity(slug: "gone", readableName: "G")
                _ = try writer.appendEvents([seed.event()])
                try writer.updatePluginState(pluginID: seed.plugin.id, changes: ["k": 1], expecting: StateExpectations())
                _ = try writer.deletePlugin(id: seed.plugin.id)
                throw Boom()
            }
        }
        try await store.read { reader throws in
            #expect(try reader.community(slug: "gone") == nil)
            #expect(try reader.events(matching: EventFilter(), afterCursor: 0, limit: 10).isEmpty)
            #expect(try reader.lastEventCursor() == 0)
            #expect(try reader.plugin(id: seed.plugin.id) == seed.plugin)
            #expect(try reader.pluginState(pluginID: seed.plugin.id).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available) func aStoreErrorInsideAWriteRollsBackToo(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        _ = try await Seed(store)
        await #expect(throws: StoreError.alreadyExists("community 'c'")) {
            try await store.write { writer in
                _ = try writer.insertCommunity(slug: "fresh", readableName: "F")
                _ = try writer.insertCommunity(slug: "c", readableName: "dup")
            }
        }
        #expect(try await store.read { try $0.community(slug: "fresh") } == nil)
    }

    @Test(arguments: StoreBackend.available) func aCaughtConstraintErrorLeavesTheTransactionUsable(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
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

    @Test(arguments: StoreBackend.available) func writesSeeTheirOwnChangesAndReturnValues(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let count = try await store.write { writer in
            _ = try writer.insertCommunity(slug: "a", readableName: "A")
            return try writer.communities(afterSlug: nil, limit: 10).count
        }
        #expect(count == 1)
    }

    @Test(arguments: StoreBackend.available) func readBodiesGetNoWriter(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        @Sendable func isWriter(_ reader: any StoreReader) -> Bool { reader is any StoreWriter }
        #expect(try await store.read { isWriter($0) } == false)
        #expect(try await store.write { isWriter($0) })
    }

    @Test(arguments: StoreBackend.available) func concurrentUnitsCommitTogetherAndAFailingOneLosesOnlyItsOwnWrites(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let store = try database.openStore()
        _ = try await Seed(store)
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<64 {
                group.addTask {
                    do {
                        try await store.write { writer in
                            _ = try writer.insertCommunity(slug: "u\(index)", readableName: "U")
                            if index % 4 == 0 { throw Boom() }
                        }
                        return (index, true)
                    } catch {
                        return (index, false)
                    }
                }
            }
            var outcomes: [Int: Bool] = [:]
            for await (index, committed) in group { outcomes[index] = committed }
            return outcomes
        }
        let stored = Set(try await store.read { try $0.communities(afterSlug: "u", limit: 100) }.map(\.slug))
        #expect(stored == Set((0..<64).filter { $0 % 4 != 0 }.map { "u\($0)" }))
        #expect(outcomes.filter(\.value).count == 48)
    }

    @Test func sqliteFilesSyncEveryCommit() async throws {
        let file = try TestDatabase(.sqlite)
        #expect(try SQLiteStore(path: file.path).synchronousSetting() == 2)
    }
}
