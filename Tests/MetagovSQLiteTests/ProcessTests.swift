import Foundation
import MetagovCore
import MetagovSQLite
import Testing

@Suite struct ProcessTests {
    @Test func insertAndRead() async throws {
        let store = try SQLiteStore.inMemory()
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

    @Test func optimisticConcurrency() async throws {
        let store = try SQLiteStore.inMemory()
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

    @Test func concurrentUpdatesFromTheSameVersionLetOneWin() async throws {
        let file = try TemporaryDatabase()
        let store = try SQLiteStore(path: file.path)
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

    @Test func filtersAndPaging() async throws {
        let store = try SQLiteStore.inMemory()
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
}

/// Strings collected from several threads.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    func append(_ value: String) { lock.withLock { storage.append(value) } }
    var values: [String] { lock.withLock { storage } }
}
