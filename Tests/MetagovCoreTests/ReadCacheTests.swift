import Foundation
import MetagovCore
import MetagovTestSupport
import Testing

/// Plugin instances and communities are cached for the hot paths; these check that nobody sees a stale value
/// longer than the rules say: changes through the same core at once, changes by another process within the TTL.
@Suite struct ReadCacheTests {
    @Test func changesThroughTheSameCoreApplyAtOnce() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "one"])
        #expect(try await core.plugins.get(community: "c", name: "widget").config["token"] == "one")
        _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "two"])
        #expect(try await core.plugins.get(community: "c", name: "widget").config["token"] == "two")
        try await core.plugins.disable(community: "c", name: "widget")
        let disabled = await metagovError { _ = try await core.actions.perform(community: "c", plugin: "widget", action: "bump") }
        #expect(disabled?.code == .failedPrecondition)
        _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "three"])
        #expect(try await core.actions.perform(community: "c", plugin: "widget", action: "bump") == ["count": 1])
        try await core.communities.delete("c")
        let gone = await metagovError { _ = try await core.plugins.get(community: "c", name: "widget") }
        #expect(gone?.code == .notFound)
        #expect(gone?.message.contains("community 'c'") == true)
    }

    /// A server core with `ttl` and an admin core on the same database; the admin enabled widget (token "old"),
    /// the server looked it up (and cached it), then the admin reconfigured it (token "new").
    private func reconfiguredByAnotherProcess(ttl: String, clock: ManualClock = ManualClock()) async throws
        -> (server: Metagov, admin: Metagov, TestDatabase)
    {
        let database = try TestDatabase()
        let server = try makeCore(database: database, clock: clock, raw: ["metagov.plugins.instance_cache_seconds": ttl])
        let admin = try makeCore(database: database)
        _ = try await admin.communities.create(slug: "c", readableName: "C")
        _ = try await admin.plugins.enable(community: "c", name: "widget", config: ["token": "old"])
        await #expect(try server.plugins.get(community: "c", name: "widget").config["token"] == "old")
        _ = try await admin.plugins.enable(community: "c", name: "widget", config: ["token": "new"])
        return (server, admin, database)
    }

    @Test func anotherProcessesChangesAreSeenWithinTheTTL() async throws {
        let clock = ManualClock()
        let (server, admin, database) = try await reconfiguredByAnotherProcess(ttl: "30", clock: clock)
        defer { withExtendedLifetime(database) {} }
        // Within the TTL the cached instance is used; once it has passed, the other process's change shows.
        clock.advance(29)
        await #expect(try server.plugins.get(community: "c", name: "widget").config["token"] == "old")
        clock.advance(2)
        await #expect(try server.plugins.get(community: "c", name: "widget").config["token"] == "new")
        try await admin.plugins.disable(community: "c", name: "widget")
        clock.advance(31)
        let disabled = await metagovError { _ = try await server.actions.perform(community: "c", plugin: "widget", action: "bump") }
        #expect(disabled?.code == .failedPrecondition)
    }

    @Test func communityChangesThroughTheSameCoreApplyAtOnce() async throws {
        let core = try makeCore()
        func names() async throws -> [String] { try await core.communities.listDetails(pageSize: 10).items.map(\.community.readableName) }
        _ = try await core.communities.create(slug: "a", readableName: "A")
        #expect(try await names() == ["A"])
        #expect(try await core.communities.details("a").plugins.isEmpty)
        _ = try await core.communities.create(slug: "b", readableName: "B")
        #expect(try await names() == ["A", "B"])
        _ = try await core.communities.update("a", readableName: "A2")
        #expect(try await names() == ["A2", "B"])
        #expect(try await core.communities.details("a").community.readableName == "A2")
        _ = try await core.plugins.enable(community: "a", name: "widget", config: ["token": "one"])
        #expect(try await core.communities.details("a").plugins.map { $0.config["token"] } == ["one"])
        #expect(try await core.communities.listDetails(pageSize: 1).items.first?.plugins.map(\.name) == ["widget"])
        _ = try await core.plugins.enable(community: "a", name: "widget", config: ["token": "two"])
        #expect(try await core.communities.details("a").plugins.map { $0.config["token"] } == ["two"])
        try await core.plugins.disable(community: "a", name: "widget")
        #expect(try await core.communities.details("a").plugins.isEmpty)
        try await core.communities.delete("a")
        #expect(try await names() == ["B"])
        let gone = await metagovError { _ = try await core.communities.details("a") }
        #expect(gone?.code == .notFound)
        // A community created after a miss was looked up is found (misses are not cached).
        _ = try await core.communities.create(slug: "a", readableName: "A3")
        #expect(try await core.communities.details("a").community.readableName == "A3")
    }

    @Test func aCachedPageKeepsWhatIsDerivedFromItUntilAChange() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "a", readableName: "A")
        let first = try #require(try await core.communities.listDetails(pageSize: 10).memo)
        #expect(first.value("test") { "derived from A" } == "derived from A")
        // The same cached page: what was derived is reused, not derived again.
        let again = try #require(try await core.communities.listDetails(pageSize: 10).memo)
        #expect(again === first)
        #expect(again.value("test") { "derived again" } == "derived from A")
        // Another page size is another page.
        #expect(try await core.communities.listDetails(pageSize: 5).memo !== first)
        _ = try await core.communities.update("a", readableName: "A2")
        let changed = try await core.communities.listDetails(pageSize: 10)
        #expect(changed.items.map(\.community.readableName) == ["A2"])
        #expect(try #require(changed.memo).value("test") { "derived from A2" } == "derived from A2")
    }

    @Test func aCachedProcessOrCommunityKeepsWhatIsDerivedFromItUntilAChange() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        let process = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q"])
        let first = try await core.processes.memoizedGet(process.id)
        #expect(first.memo.value("test") { "pending" } == "pending")
        // Keys are separate: what is kept under one is not another's.
        #expect(first.memo.value("other") { 1 } == 1)
        #expect(try await core.processes.memoizedGet(process.id).memo === first.memo)
        _ = try await core.processes.close(process.id)
        let closed = try await core.processes.memoizedGet(process.id)
        #expect(closed.value.status == .completed)
        #expect(closed.memo.value("test") { "completed" } == "completed")
        let community = try await core.communities.memoizedDetails("c")
        #expect(try await core.communities.memoizedDetails("c").memo === community.memo)
        _ = try await core.communities.update("c", readableName: "C2")
        #expect(try await core.communities.memoizedDetails("c").memo !== community.memo)
    }

    /// A server core caching for 30 s on `clock` and an admin core (another process) on one database.
    private func serverAndAdmin(clock: ManualClock) throws -> (server: Metagov, admin: Metagov, TestDatabase) {
        let database = try TestDatabase()
        let server = try makeCore(database: database, clock: clock, raw: ["metagov.plugins.instance_cache_seconds": "30"])
        return (server, try makeCore(database: database), database)
    }

    @Test func anotherProcessesCommunityChangesAreSeenWithinTheTTL() async throws {
        let clock = ManualClock()
        let (server, admin, database) = try serverAndAdmin(clock: clock)
        defer { withExtendedLifetime(database) {} }
        _ = try await admin.communities.create(slug: "c", readableName: "old")
        #expect(try await server.communities.details("c").community.readableName == "old")
        #expect(try await server.communities.listDetails().items.map(\.community.readableName) == ["old"])
        _ = try await admin.communities.update("c", readableName: "new")
        clock.advance(29)
        #expect(try await server.communities.details("c").community.readableName == "old")
        #expect(try await server.communities.listDetails().items.map(\.community.readableName) == ["old"])
        clock.advance(2)
        #expect(try await server.communities.details("c").community.readableName == "new")
        #expect(try await server.communities.listDetails().items.map(\.community.readableName) == ["new"])
    }

    @Test func processChangesThroughTheSameCoreApplyAtOnce() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        let first = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q"])
        let second = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "r"])
        #expect(try await core.processes.get(first.id).status == .pending)
        #expect(try await core.processes.get(second.id).status == .pending)
        // A hook (close), an action and the scheduler's update change processes: each shows at once.
        _ = try await core.processes.close(first.id)
        #expect(try await core.processes.get(first.id).outcome == ["decided": "yes"])
        #expect(try await core.processes.get(second.id).status == .pending)
        _ = try await core.actions.perform(community: "c", plugin: "widget", action: "complete", parameters: ["process_id": .integer(Int(second.id))])
        #expect(try await core.processes.get(second.id).outcome == ["decided": "by action"])
        // Deleting the community deletes its processes.
        try await core.communities.delete("c")
        #expect(await metagovError { _ = try await core.processes.get(first.id) }?.code == .notFound)
        // A process that did not exist when it was asked for is found once started (misses are not cached).
        let missing = second.id + 1
        #expect(await metagovError { _ = try await core.processes.get(missing) }?.code == .notFound)
        _ = try await core.communities.create(slug: "c", readableName: "C")
        _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        let third = try await core.processes.start(community: "c", plugin: "widget", process: "no-close")
        #expect(try await core.processes.get(third.id) == third)
    }

    @Test func anotherProcessesProcessChangesAreSeenWithinTheTTL() async throws {
        let clock = ManualClock()
        let (server, admin, database) = try serverAndAdmin(clock: clock)
        defer { withExtendedLifetime(database) {} }
        _ = try await admin.communities.create(slug: "c", readableName: "C")
        _ = try await admin.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        let process = try await admin.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q"])
        #expect(try await server.processes.get(process.id).status == .pending)
        _ = try await admin.processes.close(process.id)
        clock.advance(29)
        #expect(try await server.processes.get(process.id).status == .pending)
        clock.advance(2)
        #expect(try await server.processes.get(process.id).status == .completed)
    }

    @Test func theCacheStaysWithinItsBytesDroppingTheOldestEntries() async throws {
        // Each entry counts twice its value's size (room for what is derived into its memo): 200 bytes here.
        let cache = ReadCache<Int, [UInt8]>(ttl: 60, maxBytes: 500, clock: ManualClock()) { $0.count }
        let loads = LoadCounter()
        func value(_ key: Int) async throws -> [UInt8] {
            try await cache.value(key) {
                loads.add(key)
                return [UInt8](repeating: UInt8(key), count: 100)
            }
        }
        for key in 1...3 { _ = try await value(key) }
        #expect(cache.bytes == 400)
        // 2 and 3 are still cached; 1, the oldest, was dropped to make room for 3.
        _ = try await value(3)
        _ = try await value(2)
        #expect(loads.keys == [1, 2, 3])
        _ = try await value(1)
        #expect(loads.keys == [1, 2, 3, 1])
        #expect(cache.bytes <= 500)
        // A value larger than the whole budget is returned, not cached.
        let big = try await cache.value(9) { [UInt8](repeating: 9, count: 300) }
        #expect(big.count == 300)
        #expect(cache.bytes <= 500)
        cache.invalidate()
        #expect(cache.bytes == 0)
    }

    @Test func zeroSecondsReadsTheStoreEveryTime() async throws {
        let (server, _, database) = try await reconfiguredByAnotherProcess(ttl: "0")
        defer { withExtendedLifetime(database) {} }
        await #expect(try server.plugins.get(community: "c", name: "widget").config["token"] == "new")
    }

    @Test func aNegativeTTLIsRefusedNamingTheKey() async throws {
        #expect(throws: (any Error).self) {
            _ = try makeCore(raw: ["metagov.plugins.instance_cache_seconds": "-1"])
        }
    }
}

/// On PostgreSQL another gateway's changes invalidate the cache through their notification, not the TTL.
@Suite(.enabled(if: StoreBackend.postgresServerURL != nil, StoreBackend.whyNoPostgres))
struct SharedInstanceCacheTests {
    @Test func anotherGatewaysChangesAreSeenLongBeforeTheTTL() async throws {
        let database = try TestDatabase(.postgres)
        let server = try makeCore(database: database, raw: ["metagov.plugins.instance_cache_seconds": "3600"])
        let other = try makeCore(database: database)
        _ = try await other.communities.create(slug: "c", readableName: "C")
        _ = try await other.plugins.enable(community: "c", name: "widget", config: ["token": "old"])
        await #expect(try server.plugins.get(community: "c", name: "widget").config["token"] == "old")
        var seen = false
        // The server starts listening in the background: reconfigure until it has seen a change (well within
        // the hour the TTL would take).
        let deadline = ContinuousClock.now + .seconds(120)
        var round = 0
        while !seen && ContinuousClock.now < deadline {
            round += 1
            _ = try await other.plugins.enable(community: "c", name: "widget", config: ["token": .string("new\(round)")])
            for _ in 0..<10 where !seen {
                try await Task.sleep(for: .milliseconds(20))
                // Any new token: the cache (an hour's TTL) was dropped by a notification.
                seen = try await server.plugins.get(community: "c", name: "widget").config["token"] != "old"
            }
        }
        #expect(seen)
        try await other.plugins.disable(community: "c", name: "widget")
        // Well within the hour of the TTL, however busy the machine.
        var disabled = false
        let disabledBy = ContinuousClock.now + .seconds(120)
        while !disabled && ContinuousClock.now < disabledBy {
            disabled = await metagovError { _ = try await server.actions.perform(community: "c", plugin: "widget", action: "bump") }?
                .code == .failedPrecondition
            if !disabled { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(disabled)
    }

    @Test func anotherGatewaysCommunityChangesAreSeenLongBeforeTheTTL() async throws {
        let database = try TestDatabase(.postgres)
        let server = try makeCore(database: database, raw: ["metagov.plugins.instance_cache_seconds": "3600"])
        let other = try makeCore(database: database)
        _ = try await other.communities.create(slug: "c", readableName: "old")
        #expect(try await server.communities.details("c").community.readableName == "old")
        #expect(try await server.communities.listDetails().items.count == 1)
        var seen = false
        let deadline = ContinuousClock.now + .seconds(120)
        var round = 0
        while !seen && ContinuousClock.now < deadline {
            round += 1
            _ = try await other.communities.update("c", readableName: "new\(round)")
            _ = try await other.communities.create(slug: "c\(round)", readableName: "more")
            for _ in 0..<10 where !seen {
                try await Task.sleep(for: .milliseconds(20))
                let renamed = try await server.communities.details("c").community.readableName != "old"
                let listed = try await server.communities.listDetails().items.count > 1
                seen = renamed && listed
            }
        }
        #expect(seen)
    }

    @Test func anotherGatewaysProcessChangesShowAtOnce() async throws {
        let database = try TestDatabase(.postgres)
        // A gateway that hears of no commit of the other (its notifications as late as can be).
        let server = try makeCore(database: database, raw: ["metagov.plugins.instance_cache_seconds": "3600"], hearsPeers: false)
        let other = try makeCore(database: database)
        _ = try await other.communities.create(slug: "c", readableName: "C")
        _ = try await other.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        // GetProcess on a shared database reads it: a change acknowledged by another gateway shows at once,
        // without waiting for its notification.
        for _ in 0..<3 {
            let process = try await other.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q"])
            #expect(try await server.processes.get(process.id).status == .pending)
            _ = try await other.processes.close(process.id)
            #expect(try await server.processes.get(process.id).status == .completed)
        }
    }
}

/// The keys a cache loaded, in order.
private final class LoadCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: [Int] = []

    func add(_ key: Int) { lock.withLock { loaded.append(key) } }
    var keys: [Int] { lock.withLock { loaded } }
}
