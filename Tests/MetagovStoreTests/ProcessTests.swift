import Foundation
import GRDB
import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct ProcessTests {
    @Test(arguments: StoreBackend.available) func insertAndRead(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let seed = try await Seed(store)
        let process = try await store.write {
            try $0.insertProcess(
                pluginID: seed.plugin.id, name: "vote", status: .pending, outcome: ["votes": [:]], errors: nil,
                state: ["options": ["yes", "no"]], callbackURL: "https://example.com/cb")
        }
        #expect(process.version == 1)
        #expect(process.community == "c" && process.plugin == "p" && process.pluginID == seed.plugin.id)
        #expect(process.name == "vote" && process.status == .pending)
        #expect(process.outcome == ["votes": [:]] && process.errors == nil)
        #expect(process.state == ["options": ["yes", "no"]])
        #expect(process.callbackURL == "https://example.com/cb")
        #expect(process.createdAt == process.updatedAt)
        #expect(try await store.read { try $0.process(id: process.id) } == process)
        #expect(try await store.read { try $0.process(id: process.id + 1) } == nil)
        await #expect(throws: StoreError.notFound("plugin instance 999")) {
            try await store.write { _ = try $0.insertProcess(pluginID: 999) }
        }
    }

    @Test(arguments: StoreBackend.available) func optimisticConcurrency(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let seed = try await Seed(store)
        let original = try await store.write { try $0.insertProcess(pluginID: seed.plugin.id) }
        var changed = original
        changed.status = .completed
        changed.outcome = ["winner": "yes"]
        changed.errors = ["text": "late"]
        changed.state = ["n": 3]
        changed.callbackURL = "ignored"
        let update = changed
        let saved = try await store.write { try $0.updateProcess(update) }
        #expect(saved.version == 2)
        #expect(saved.status == .completed && saved.outcome == ["winner": "yes"] && saved.errors == ["text": "late"])
        #expect(saved.state == ["n": 3])
        #expect(saved.callbackURL == nil)
        #expect(saved.createdAt == original.createdAt && saved.updatedAt >= original.updatedAt)
        #expect(try await store.read { try $0.process(id: original.id) } == saved)
        // A writer still holding version 1 loses.
        await #expect(throws: StoreError.conflict("process \(original.id)")) { try await store.write { _ = try $0.updateProcess(original) } }
        #expect(try await store.read { try $0.process(id: original.id) } == saved)
        // Clearing outcome and errors.
        var cleared = saved
        cleared.outcome = nil
        cleared.errors = nil
        let clearing = cleared
        let third = try await store.write { try $0.updateProcess(clearing) }
        #expect(third.version == 3 && third.outcome == nil && third.errors == nil)
        #expect(try await store.write { try $0.deleteProcess(id: original.id) })
        #expect(try await store.write { try $0.deleteProcess(id: original.id) } == false)
        await #expect(throws: StoreError.notFound("process \(original.id)")) { try await store.write { _ = try $0.updateProcess(third) } }
    }

    @Test(arguments: StoreBackend.available) func concurrentUpdatesFromTheSameVersionLetOneWin(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let store = try database.openStore()
        let seed = try await Seed(store)
        let process = try await store.write { try $0.insertProcess(pluginID: seed.plugin.id) }
        let outcomes = Results()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                var copy = process
                copy.state = ["writer": .integer(index)]
                let update = copy
                group.addTask {
                    do {
                        _ = try await store.write { try $0.updateProcess(update) }
                        outcomes.append("ok")
                    } catch {
                        outcomes.append("\(error)")
                    }
                }
            }
        }
        #expect(outcomes.values.filter { $0 == "ok" }.count == 1)
        #expect(outcomes.values.filter { $0 == "\(StoreError.conflict("process \(process.id)"))" }.count == 7)
        #expect(try await store.read { try $0.process(id: process.id) }?.version == 2)
    }

    @Test(arguments: StoreBackend.available) func filtersAndPaging(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let seed = try await Seed(store)
        let other = try await Seed(store, slug: "d", plugin: "q")
        let processes = try await store.write { writer in
            [try writer.insertProcess(pluginID: seed.plugin.id, name: "vote", status: .created),
             try writer.insertProcess(pluginID: seed.plugin.id, name: "vote", status: .pending),
             try writer.insertProcess(pluginID: seed.plugin.id, name: "poll", status: .pending),
             try writer.insertProcess(pluginID: other.plugin.id, name: "vote", status: .completed),
             try writer.insertProcess(pluginID: other.plugin.id, name: "vote", status: .pending)]
        }
        let ids = processes.map(\.id)
        func list(_ filter: ProcessFilter, after: Int64? = nil, limit: Int = 100) async throws -> [Int64] {
            try await store.read { try $0.processes(matching: filter, afterID: after, limit: limit) }.map(\.id)
        }
        #expect(try await list(ProcessFilter()) == ids)
        #expect(try await list(ProcessFilter(community: "c")) == Array(ids[0...2]))
        #expect(try await list(ProcessFilter(plugin: "q")) == Array(ids[3...4]))
        #expect(try await list(ProcessFilter(pluginID: seed.plugin.id)) == Array(ids[0...2]))
        #expect(try await list(ProcessFilter(name: "poll")) == [ids[2]])
        #expect(try await list(ProcessFilter(status: .pending)) == [ids[1], ids[2], ids[4]])
        #expect(try await list(ProcessFilter(community: "d", plugin: "q", pluginID: other.plugin.id, name: "vote", status: .pending)) == [ids[4]])
        #expect(try await list(ProcessFilter(community: "c", plugin: "q")).isEmpty)
        // Paging.
        #expect(try await list(ProcessFilter(), limit: 2) == Array(ids[0...1]))
        #expect(try await list(ProcessFilter(), after: ids[1], limit: 2) == Array(ids[2...3]))
        #expect(try await list(ProcessFilter(), after: ids[3], limit: 2) == [ids[4]])
        #expect(try await list(ProcessFilter(), after: ids[4], limit: 2).isEmpty)
        #expect(try await list(ProcessFilter(status: .pending), after: ids[1], limit: 1) == [ids[2]])
        #expect(try await list(ProcessFilter(), limit: 0).isEmpty)
    }

    @Test(arguments: StoreBackend.available) func entriesAreReadWrittenAndCheckedKeyByKey(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let seed = try await Seed(store)
        let process = try await store.write { try $0.insertProcess(pluginID: seed.plugin.id) }
        let id = process.id
        try await store.write { try $0.updateProcessEntries(processID: id, changes: ["a": 1, "b": ["x": "y"]], expecting: ["a": nil]) }
        #expect(try await store.read { try $0.processEntry(processID: id, key: "b") } == ["x": "y"])
        // Entries leave the process record alone.
        #expect(try await store.read { try $0.process(id: id) } == process)
        await #expect(throws: StoreError.conflict("entry 'a' of process \(id)")) {
            try await store.write { try $0.updateProcessEntries(processID: id, changes: ["c": 3], expecting: ["a": 2]) }
        }
        try await store.write { try $0.updateProcessEntries(processID: id, changes: ["a": nil, "c": 3], expecting: ["a": 1, "zz": nil]) }
        #expect(try await store.read { [try $0.processEntry(processID: id, key: "a"), try $0.processEntry(processID: id, key: "c")] } == [nil, 3])
        await #expect(throws: StoreError.notFound("process 999")) {
            try await store.write { try $0.updateProcessEntries(processID: 999, changes: ["a": 1], expecting: [:]) }
        }
        // An entry read and written is written only if it is still as read; nothing of a conflicting unit stays.
        try await store.write { try $0.updateProcessEntries(processID: id, changes: ["c": ["n": 4]], expecting: ["c": 3]) }
        await #expect(throws: StoreError.conflict("entry 'c' of process \(id)")) {
            try await store.write { try $0.updateProcessEntries(processID: id, changes: ["d": 1, "c": 5], expecting: ["c": 3]) }
        }
        await #expect(throws: StoreError.conflict("entry 'c' of process \(id)")) {
            try await store.write { try $0.updateProcessEntries(processID: id, changes: ["c": 5], expecting: ["c": nil]) }
        }
        await #expect(throws: StoreError.conflict("entry 'e' of process \(id)")) {
            try await store.write { try $0.updateProcessEntries(processID: id, changes: ["e": nil], expecting: ["e": 1]) }
        }
        #expect(try await store.read {
            [try $0.processEntry(processID: id, key: "c"), try $0.processEntry(processID: id, key: "d")]
        } == [["n": 4], nil])
        // Entries go with their process.
        #expect(try await store.write { try $0.deleteProcess(id: id) })
        #expect(try await store.read { try $0.processEntry(processID: id, key: "c") } == nil)
    }

    /// An entry stored with other text than this writer's (spacing, key order) still matches an equal value read.
    @Test func entryCheckComparesValuesNotText() async throws {
        let file = try TestDatabase(.sqlite)
        let store = try file.openStore()
        let seed = try await Seed(store)
        let id = try await store.write { try $0.insertProcess(pluginID: seed.plugin.id) }.id
        try await store.write { try $0.updateProcessEntries(processID: id, changes: ["x": ["a": 1, "b": 2]], expecting: [:]) }
        try await DatabaseQueue(path: file.location).write { db in
            try db.execute(sql: #"UPDATE process_entry SET value = '{ "b": 2, "a": 1 }' WHERE process_id = ?"#, arguments: [id])
        }
        try await store.write { try $0.updateProcessEntries(processID: id, changes: ["x": 3], expecting: ["x": ["a": 1, "b": 2]]) }
        #expect(try await store.read { try $0.processEntry(processID: id, key: "x") } == 3)
    }

    @Test(arguments: StoreBackend.available) func reservedIDsAreNeverGivenToOtherProcesses(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let store = try database.openStore()
        let other = try database.openStore()
        let seed = try await Seed(store)
        let first = try await store.write { try $0.reserveProcessIDs(count: 3) }
        #expect(first == 1...3)
        let automatic = try await other.write { try $0.insertProcess(pluginID: seed.plugin.id) }
        #expect(automatic.id == 4)
        let second = try await other.write { try $0.reserveProcessIDs(count: 2) }
        #expect(second == 5...6)
        let built = GovernanceProcess(
            id: first.lowerBound, pluginID: seed.plugin.id, community: "c", plugin: "p", name: "vote",
            status: .pending, outcome: ["o": 1], errors: nil, state: ["s": true], callbackURL: "http://x.example/",
            createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0), version: 7)
        let inserted = try await store.write { try $0.insertProcess(built) }
        #expect(inserted.id == 1 && inserted.version == 1 && inserted.community == "c" && inserted.plugin == "p")
        #expect(inserted.status == .pending && inserted.outcome == ["o": 1] && inserted.state == ["s": true])
        #expect(try await other.read { try $0.process(id: 1) } == inserted)
        await #expect(throws: StoreError.alreadyExists("process 1")) { try await store.write { _ = try $0.insertProcess(built) } }
        var orphan = built
        orphan.id = 2
        orphan.pluginID = 999
        let stray = orphan
        await #expect(throws: StoreError.notFound("plugin instance 999")) { try await store.write { _ = try $0.insertProcess(stray) } }
        let next = try await store.write { try $0.insertProcess(pluginID: seed.plugin.id) }
        #expect(next.id == 7)
    }
}

/// Strings collected from several threads.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    func append(_ value: String) { lock.withLock { storage.append(value) } }
    var values: [String] { lock.withLock { storage } }
}
