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

    @Test(arguments: StoreBackend.available) func unitsOfOneBatchSeeWebhookSubscriptionsAsTheBatchLeftThem(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let store = try database.openStore()
        _ = try await Seed(store)
        let first = try await store.write { writer in
            try writer.insertWebhookSubscription(community: "c", url: "https://a.example/", eventTypes: [], plugins: [], secret: "s")
        }
        typealias Unit = @Sendable (any StoreWriter) throws -> [Int64]
        let units: [Unit] = [
            { try $0.webhookSubscriptions(community: "c").map(\.id) },
            { writer in _ = try writer.deleteWebhookSubscription(id: first.id); return [] },
            { try $0.webhookSubscriptions(community: "c").map(\.id) },
            { writer in
                _ = try writer.insertWebhookSubscription(community: "c", url: "https://b.example/", eventTypes: [], plugins: [], secret: "s")
                _ = try writer.webhookSubscriptions(community: "c")
                throw Boom()
            },
            { try $0.webhookSubscriptions(community: "c").map(\.id) },
            { writer in
                [try writer.insertWebhookSubscription(community: "c", url: "https://c.example/", eventTypes: [], plugins: [], secret: "s").id]
            },
            { try $0.webhookSubscriptions(community: "c").map(\.id) },
        ]
        let results = try await performedAsOneBatch(store, units)
        #expect(results[0] == [first.id])
        #expect(results[2] == [], "a deleted subscription is not read from what an earlier unit of the batch read")
        #expect(results[3] == nil)
        #expect(results[4] == [], "a failed unit's subscription is not read from what it read before failing")
        let third = try #require(results[5]?.first)
        #expect(results[6] == [third])
    }

    @Test(arguments: StoreBackend.available) func aUnitFailingOnlyBecauseOfAFailedUnitsWritesCommits(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let store = try database.openStore()
        _ = try await Seed(store)
        typealias Unit = @Sendable (any StoreWriter) throws -> String
        let units: [Unit] = [
            { _ = try $0.insertCommunity(slug: "kept", readableName: "K"); return "kept" },
            // Fails before writing: a slug the batch already holds.
            { _ = try $0.insertCommunity(slug: "kept", readableName: "again"); return "again" },
            // Writes, then fails: what it wrote must go, and the unit after it must not see it.
            { _ = try $0.insertCommunity(slug: "taken", readableName: "T"); throw Boom() },
            // Would fail on the slug the unit before wrote; without that unit's writes it commits.
            { _ = try $0.insertCommunity(slug: "taken", readableName: "mine"); return "taken" },
            { _ = try $0.insertCommunity(slug: "last", readableName: "L"); return "last" },
        ]
        let results = try await performedAsOneBatch(store, units)
        #expect(results == ["kept", nil, nil, "taken", "last"])
        let stored = try await store.read { try $0.communities(afterSlug: "k", limit: 10) }
        #expect(stored.map(\.slug) == ["kept", "last", "taken"])
        #expect(stored.first { $0.slug == "taken" }?.readableName == "mine")
        #expect(stored.first { $0.slug == "kept" }?.readableName == "K")
    }

    @Test(arguments: StoreBackend.available) func unitsFailingOnAConstraintLoseOnlyTheirOwnWritesAndCursors(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let store = try database.openStore()
        let seed = try await Seed(store)
        let ids = try await store.write { try $0.reserveProcessIDs(count: 64) }
        let taken = try await store.write { try $0.insertProcess(Self.process(ids.lowerBound, seed)) }
        let outcomes = await withTaskGroup(of: (Int, [Event]?).self) { group in
            for index in 1..<64 {
                group.addTask {
                    // Every fourth unit inserts a process whose id is taken, after appending an event.
                    let id = index % 4 == 0 ? taken.id : ids.lowerBound + Int64(index)
                    let events = try? await store.write { writer in
                        let events = try writer.appendEvents([seed.event("u\(index)")])
                        _ = try writer.insertProcess(Self.process(id, seed))
                        return events
                    }
                    return (index, events)
                }
            }
            var outcomes: [Int: [Event]?] = [:]
            for await (index, events) in group { outcomes[index] = events }
            return outcomes
        }
        let committed = outcomes.compactMapValues { $0 }
        #expect(Set(committed.keys) == Set((1..<64).filter { $0 % 4 != 0 }))
        // The failed units gave their cursors back: the committed events are numbered without a gap.
        let stored = try await store.read { try $0.events(matching: EventFilter(), afterCursor: 0, limit: 100) }
        #expect(stored.map(\.cursor) == Array(1...Int64(committed.count)))
        #expect(Set(stored) == Set(committed.values.flatMap { $0 }))
        #expect(try await store.read { try $0.lastEventCursor() } == Int64(committed.count))
        let processes = try await store.read { try $0.processes(matching: ProcessFilter(), afterID: nil, limit: 100) }
        #expect(processes.count == committed.count + 1)
    }

    @Test(arguments: StoreBackend.available) func aStoreFailureBeforeTheBodyThrowsIsTheUnitsFailure(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let seed = try await Seed(store)
        let process = try await store.write { try $0.insertProcess(pluginID: seed.plugin.id) }
        _ = try await store.write { try $0.updateProcess(process) }
        await #expect(throws: StoreError.conflict("process \(process.id)")) {
            try await store.write { writer in
                _ = try writer.updateProcess(process)
                throw Boom()
            }
        }
        #expect(try await store.read { try $0.process(id: process.id) }?.version == 2)
    }

    private static func process(_ id: Int64, _ seed: Seed) -> GovernanceProcess {
        GovernanceProcess(
            id: id, pluginID: seed.plugin.id, community: seed.community.slug, plugin: seed.plugin.name, name: "vote",
            status: .pending, outcome: nil, errors: nil, state: [:], callbackURL: nil,
            createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0), version: 1)
    }

    @Test func sqliteFilesSyncEveryCommit() async throws {
        let file = try TestDatabase(.sqlite)
        #expect(try SQLiteStore(path: file.path).synchronousSetting() == 2)
    }

    /// `top -H`, `/proc` and profilers tell the store's threads apart by the names the kernel keeps.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/thread-self/comm")))
    func theWriterAndCheckpointerThreadsCarryTheirNames() async throws {
        let file = try TestDatabase(.sqlite)
        let store = try SQLiteStore(path: file.path)
        _ = try await store.write { _ in }
        var names: Set<String> = []
        for _ in 0..<100 {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            names = Set(tasks.compactMap { task in
                (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            })
            if names.isSuperset(of: ["sqlite-writer", "sqlite-checkpt"]) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(names.isSuperset(of: ["sqlite-writer", "sqlite-checkpt"]))
        withExtendedLifetime(store) {}
    }
}
