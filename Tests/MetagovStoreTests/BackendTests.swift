import Foundation
import MetagovCore
import MetagovPostgres
import MetagovTestSupport
import Testing

/// Which backends the store tests run against, and what only PostgreSQL does.
@Suite struct BackendTests {
    @Test(.enabled(if: StoreBackend.postgresServerURL != nil, StoreBackend.whyNoPostgres))
    func postgresIsTested() async throws {
        #expect(StoreBackend.available == [.sqlite, .postgres])
        let store = try StoreBackend.postgres.makeStore()
        #expect(try await store.read { try $0.lastEventCursor() } == 0)
    }
}

/// Cluster-wide coordination that only PostgreSQL provides: each test opens two stores on one database, as two
/// gateways would.
@Suite(.enabled(if: StoreBackend.postgresServerURL != nil, StoreBackend.whyNoPostgres))
struct PostgresCoordinationTests {
    @Test func turnsOnOneKeyAreTakenOneAtATimeAcrossStores() async throws {
        let database = try TestDatabase(.postgres)
        // Four stores, as four gateways (the core makes writers of one gateway take turns among themselves).
        let stores: [any Store] = try (0..<4).map { _ in try database.openStore() }
        let trace = Trace()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (name, store) in zip(["a", "b", "c", "d"], stores) {
                group.addTask {
                    try await store.takingTurns(key: 7) {
                        trace.append("enter \(name)")
                        try await Task.sleep(for: .milliseconds(30))
                        trace.append("leave \(name)")
                    }
                }
            }
            try await group.waitForAll()
        }
        // Never two inside at once: every "enter" is followed by its own "leave".
        let events = trace.events
        #expect(events.count == 8)
        for index in stride(from: 0, to: events.count, by: 2) {
            #expect(events[index].replacingOccurrences(of: "enter", with: "leave") == events[index + 1])
        }
    }

    @Test func aWriteWaitingPastTheBusyTimeoutForAnotherGatewaysWriteFailsUnavailable() async throws {
        let database = try TestDatabase(.postgres)
        let holder = try database.openStore()
        let waiter = try PostgresStore(
            url: database.location, options: PostgresStoreOptions(poolSize: 1, busyTimeout: 0.5, pollInterval: 0.2))
        _ = try await Seed(holder)
        let release = DispatchSemaphore(value: 0)
        // The holder's write transaction holds the cluster-wide write lock until released.
        let holding = Task {
            try await holder.write { writer in
                _ = try writer.insertCommunity(slug: "held", readableName: "H")
                release.wait()
            }
        }
        var failure: (any Error)?
        for _ in 0..<100 where failure == nil {
            do {
                _ = try await waiter.write { try $0.insertCommunity(slug: "waiting", readableName: "W") }
                try await waiter.write { _ = try $0.deleteCommunity(slug: "waiting") }  // the holder had not begun yet
            } catch {
                failure = error
            }
        }
        release.signal()
        try await holding.value
        guard case .unavailable(let message) = failure as? StoreError else {
            Issue.record("expected UNAVAILABLE, got \(String(describing: failure))")
            return
        }
        #expect(message.contains("locked by another process"))
        // Once the lock is free the same write succeeds.
        _ = try await waiter.write { try $0.insertCommunity(slug: "after", readableName: "A") }
        #expect(try await waiter.read { try $0.community(slug: "held") } != nil)
    }

    @Test func aRoleHasOneHolderAndPassesOnWhenItsHolderCloses() async throws {
        let database = try TestDatabase(.postgres)
        let first = try PostgresStore(url: database.location, options: TestDatabase.postgresOptions)
        let second = try PostgresStore(url: database.location, options: TestDatabase.postgresOptions)
        #expect(await first.holdsRole("scheduler"))
        #expect(await first.holdsRole("scheduler"))
        #expect(await !second.holdsRole("scheduler"))
        #expect(await second.holdsRole("other"))
        first.close()
        var taken = false
        for _ in 0..<200 where !taken {
            taken = await second.holdsRole("scheduler")
            if !taken { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(taken)
    }

    @Test func anotherStoresCommitsAreReported() async throws {
        let database = try TestDatabase(.postgres)
        let observer = try database.openStore()
        let writer = try database.openStore()
        let changes = Trace()
        observer.observeChanges { changes.append("\($0)") }
        let seed = try await Seed(writer)
        // The observer starts listening in the background: write until it reports what was written.
        let rounds = try await writeUntilReported(writer, seed, to: changes)
        #expect(rounds.seen, "after \(rounds.count) rounds the observer reported: \(changes.events.suffix(12))")
    }

    @Test func aListenerWhosePollHangsIsReplaced() async throws {
        let database = try TestDatabase(.postgres)
        let observer = try PostgresStore(
            url: database.location, options: PostgresStoreOptions(poolSize: 1, connectTimeout: 2, queryTimeout: 1, pollInterval: 0.2))
        let writer = try database.openStore()
        let changes = Trace()
        observer.observeChanges { changes.append("\($0)") }
        let seed = try await Seed(writer)
        #expect(try await writeUntilReported(writer, seed, to: changes).seen)
        // The listener's poll waits on a lock for several of its stall limits (3.6 s), as on a server that stopped
        // answering: the observer must give up on that connection, reconnect and report again.
        let before = changes.events.count
        try await database.withTableLocked("event_log_state") { try await Task.sleep(for: .seconds(10)) }
        let rounds = try await writeUntilReported(writer, seed, to: changes)
        #expect(rounds.seen, "after \(rounds.count) rounds the observer reported: \(changes.events.suffix(12))")
        #expect(changes.events.dropFirst(before).contains("\(StoreChange.unknown)"))
    }

    /// Writes a plugin, plugin state and an event per round until `changes` holds, after what it held before, the
    /// reports of all three (for up to two minutes).
    private func writeUntilReported(_ writer: any Store, _ seed: Seed, to changes: Trace) async throws -> (seen: Bool, count: Int) {
        let before = changes.events.count
        var seen = false
        var round = 0
        let deadline = ContinuousClock.now + .seconds(120)
        while !seen && ContinuousClock.now < deadline {
            round += 1
            let name = "p\(UUID().uuidString.prefix(8))"
            let cursor = try await writer.write { [round] writer in
                _ = try writer.insertPlugin(community: "c", name: name, communityPlatformID: nil, config: [:])
                try writer.updatePluginState(pluginID: seed.plugin.id, changes: ["round": .integer(round)], expecting: StateExpectations())
                return try writer.appendEvents([seed.event()])[0].cursor
            }
            for _ in 0..<10 where !seen {
                try await Task.sleep(for: .milliseconds(20))
                let recent = changes.events.dropFirst(before)
                seen = recent.contains("\(StoreChange.eventsAppended(through: cursor))")
                    && recent.contains("\(StoreChange.pluginInstancesChanged)")
                    && recent.contains("\(StoreChange.stateChanged)")
            }
        }
        return (seen, round)
    }
}

/// Strings appended from several tasks.
final class Trace: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func append(_ event: String) { lock.withLock { stored.append(event) } }
    var events: [String] { lock.withLock { stored } }
}
