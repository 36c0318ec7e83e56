import Foundation
import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct RetentionTests {
    private func core(_ raw: [String: String], clock: ManualClock = ManualClock()) async throws -> Metagov {
        let core = try makeCore(clock: clock, raw: raw)
        _ = try await core.communities.create(slug: "c", readableName: "C")
        _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        return core
    }

    private func bump(_ core: Metagov, _ times: Int) async throws {
        for _ in 0..<times { _ = try await core.actions.perform(community: "c", plugin: "widget", action: "bump") }
    }

    @Test func countRetentionKeepsTheNewestAndOldCursorsAreOutOfRange() async throws {
        let core = try await core([CoreConfig.eventRetentionCount: "3"])
        try await bump(core, 8)
        let cursors = try await core.events.list(limit: 100).map(\.cursor)
        let report = try await core.scheduler.tick()
        #expect(report.eventsPruned == 5)
        #expect(try await core.events.list(limit: 100).map(\.cursor) == Array(cursors.suffix(3)))
        #expect(try await core.events.prunedThrough() == cursors[4])
        // Resuming after the last pruned cursor, or any later one, loses nothing.
        #expect(try await core.events.resume(afterCursor: cursors[4]).map(\.cursor) == Array(cursors.suffix(3)))
        #expect(try await core.events.resume(afterCursor: 0).map(\.cursor) == Array(cursors.suffix(3)))
        // An older one would skip events: OUT_OF_RANGE naming the oldest cursor available.
        let error = await metagovError { _ = try await core.events.resume(afterCursor: cursors[1]) }
        #expect(error?.code == .outOfRange)
        #expect(error?.message.contains("oldest cursor available is \(cursors[4])") == true)
        let streamError = await metagovError { for try await _ in core.subscribe(afterCursor: cursors[0]) {} }
        #expect(streamError?.code == .outOfRange)
    }

    @Test func ageRetentionDeletesOldEventsOnly() async throws {
        let clock = ManualClock()
        let core = try await core([CoreConfig.eventRetentionDays: "2"], clock: clock)
        try await bump(core, 4)
        #expect(try await core.scheduler.tick().eventsPruned == 0)
        clock.advance(86_400)
        try await bump(core, 2)
        clock.advance(1.5 * 86_400)
        // Now the first four are 2.5 days old, the last two 1.5 days.
        let cursors = try await core.events.list(limit: 100).map(\.cursor)
        #expect(try await core.scheduler.tick().eventsPruned == 4)
        #expect(try await core.events.list(limit: 100).map(\.cursor) == Array(cursors.suffix(2)))
        #expect(try await core.events.prunedThrough() == cursors[3])
    }

    @Test func aStalledSubscriberOvertakenByRetentionFailsInsteadOfSkipping() async throws {
        let core = try await core([CoreConfig.eventRetentionCount: "2"])
        try await bump(core, 3)
        var stream = core.subscribe(afterCursor: 0).makeAsyncIterator()
        let first = try #require(try await stream.next())
        _ = first
        // The subscriber holds a batch; drain it, then let retention run past its cursor.
        _ = try await stream.next()
        _ = try await stream.next()
        try await bump(core, 5)
        _ = try await core.scheduler.tick()
        let error = await metagovError { while try await stream.next() != nil {} }
        #expect(error?.code == .outOfRange)
    }
}
