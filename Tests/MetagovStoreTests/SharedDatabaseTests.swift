import Foundation
import MetagovCore
import MetagovTestSupport
import Testing

/// Stores opened on one database one after the other (restarts) or at once (a server and the admin CLI, or
/// several gateways on one PostgreSQL).
@Suite struct SharedDatabaseTests {
    @Test(arguments: StoreBackend.available) func dataSurvivesReopening(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let (plugin, process, events, id) = try await { () async throws -> (PluginInstance, GovernanceProcess, [Event], MetagovID) in
            let store = try database.openStore()
            let seed = try await Seed(store)
            return try await store.write { writer in
                try writer.updatePluginState(
                    pluginID: seed.plugin.id, changes: ["k": ["x": [1, 2.5, nil, true, "s"]]], expecting: StateExpectations())
                let process = try writer.insertProcess(pluginID: seed.plugin.id)
                let events = try writer.appendEvents([seed.event(), seed.event()])
                let id = try writer.createMetagovIDs(community: "c", count: 1)[0]
                try writer.upsertLinkedAccount(writer.account(id.externalID, "U1"))
                return (seed.plugin, process, events, id)
            }
        }()
        // The first store is closed; open the file again.
        try await { () async throws in
            let reopened = try database.openStore()
            try await reopened.read { reader throws in
                #expect(try reader.community(slug: "c")?.readableName == "C")
                #expect(try reader.plugin(id: plugin.id) == plugin)
                #expect(try reader.pluginState(pluginID: plugin.id) == ["k": ["x": [1, 2.5, nil, true, "s"]]])
                #expect(try reader.pluginState(pluginID: plugin.id, key: "k") == ["x": [1, 2.5, nil, true, "s"]])
                #expect(try reader.process(id: process.id) == process)
                #expect(try reader.events(matching: EventFilter(), afterCursor: 0, limit: 10) == events)
                #expect(try reader.metagovID(externalID: id.externalID) == id)
                #expect(try reader.linkedAccounts(externalIDs: [id.externalID]).count == 1)
            }
            // Empty the log before closing again.
            #expect(try await reopened.write { try $0.deleteCommunity(slug: "c") })
        }()
        // After another restart, cursors still continue past every cursor ever issued.
        let third = try database.openStore()
        #expect(try await third.read { try $0.lastEventCursor() } == events[1].cursor)
        let seed = try await Seed(third)
        #expect(try await third.write { try $0.appendEvents([seed.event()]) }[0].cursor > events[1].cursor)
        #expect(try await third.read { try $0.allPlugins() }.map(\.id) == [seed.plugin.id])
        #expect(seed.plugin.id > plugin.id)
    }

    @Test(arguments: StoreBackend.available) func twoStoresOnOneDatabaseSeeEachOthersWrites(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let server = try database.openStore()
        let cli = try database.openStore()
        _ = try await cli.write { try $0.insertCommunity(slug: "x", readableName: "X") }
        #expect(try await server.read { try $0.community(slug: "x") }?.readableName == "X")
        await #expect(throws: StoreError.alreadyExists("community 'x'")) {
            try await server.write { _ = try $0.insertCommunity(slug: "x", readableName: "Y") }
        }
    }

    @Test(arguments: StoreBackend.available) func concurrentWritersGetDistinctIncreasingCursors(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let store = try database.openStore()
        let seed = try await Seed(store)
        let appended = Cursors()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<100 {
                        do {
                            let cursor = try await store.write { try $0.appendEvents([seed.event()]) }[0].cursor
                            appended.append(cursor)
                        } catch {
                            appended.fail(error)
                        }
                    }
                }
            }
        }
        #expect(appended.errors.isEmpty)
        let stored = try await store.read { try $0.events(matching: EventFilter(), afterCursor: 0, limit: 10_000) }.map(\.cursor)
        #expect(stored.count == 800)
        #expect(Set(stored).count == 800)
        #expect(stored == stored.sorted())
        #expect(Set(appended.values) == Set(stored))
        #expect(try await store.read { try $0.lastEventCursor() } == stored.last)
    }

    @Test(arguments: StoreBackend.available) func writersThroughTwoConnectionsWaitForEachOther(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let first = try database.openStore()
        let second = try database.openStore()
        let seed = try await Seed(first)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in [first, second, first, second] {
                group.addTask {
                    for _ in 0..<50 { _ = try await store.write { try $0.appendEvents([seed.event()]) } }
                }
            }
            try await group.waitForAll()
        }
        let cursors = try await second.read { try $0.events(matching: EventFilter(), afterCursor: 0, limit: 1000) }.map(\.cursor)
        #expect(cursors.count == 200 && Set(cursors).count == 200)
    }

    @Test func sqliteLogIsCheckpointedAndReusedWhileWritesGoOn() async throws {
        let file = try TestDatabase(.sqlite)
        let store = try file.openStore()
        let seed = try await Seed(store)
        let big = JSONValue.string(String(repeating: "x", count: 16 << 10))
        // 32 MiB through the log, one unit after another: without checkpoints the log would hold all of it. Every
        // 4 MiB (a checkpoint's threshold) the test waits, writing small units, until the log has been started
        // over: on a busy machine the checkpointer's thread may get its turn late, and the bound below is about
        // reuse, not about how soon the thread runs.
        let wal = file.path + "-wal"
        for round in 1...200 {
            _ = try await store.write { try $0.appendEvents(Array(repeating: seed.event(data: ["blob": big]), count: 10)) }
            guard round % 25 == 0 else { continue }
            let header = Self.logHeader(wal)
            let deadline = ContinuousClock.now + .seconds(120)
            var tick = 0
            while Self.logHeader(wal) == header && ContinuousClock.now < deadline {
                tick += 1
                let value = JSONValue.integer(tick)
                try await store.write { try $0.updatePluginState(pluginID: seed.plugin.id, changes: ["tick": value], expecting: StateExpectations()) }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let log = try FileManager.default.attributesOfItem(atPath: file.path + "-wal")[.size] as? Int ?? 0
        #expect(log > 0 && log < 24 << 20)
        #expect(try await store.read { try $0.events(matching: EventFilter(), afterCursor: 0, limit: 3000) }.count == 2000)
    }

    /// The write-ahead log's checkpoint sequence number and salts: they change when the log starts over.
    private static func logHeader(_ path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 24)).map { Array($0) } ?? []
        return header.count == 24 ? Array(header[12..<24]) : []
    }

    @Test(arguments: StoreBackend.available) func readersSeeASnapshot(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let store = try database.openStore()
        _ = try await store.write { try $0.insertCommunity(slug: "a", readableName: "A") }
        try await store.read { reader throws in
            #expect(try reader.communities(afterSlug: nil, limit: 10).count == 1)
            // A write committed meanwhile (by another connection, from another thread) is not visible inside
            // this read.
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                try? database.executeRawSQL("INSERT INTO community VALUES ('b', 'B', 0, 0)")
                done.signal()
            }
            done.wait()
            #expect(try reader.communities(afterSlug: nil, limit: 10).count == 1)
        }
        #expect(try await store.read { try $0.communities(afterSlug: nil, limit: 10) }.count == 2)
    }
}

/// Cursors and errors collected from several threads.
final class Cursors: @unchecked Sendable {
    private let lock = NSLock()
    private var cursors: [Int64] = []
    private var failures: [String] = []

    func append(_ cursor: Int64) { lock.withLock { cursors.append(cursor) } }
    func fail(_ error: any Error) { lock.withLock { failures.append("\(error)") } }
    var values: [Int64] { lock.withLock { cursors } }
    var errors: [String] { lock.withLock { failures } }
}
