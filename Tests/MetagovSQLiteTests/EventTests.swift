import Foundation
import MetagovCore
import MetagovSQLite
import Testing

@Suite struct EventTests {
    @Test func appendReturnsIncreasingCursorsAndTimestamps() async throws {
        let store = try SQLiteStore.inMemory()
        let seed = try await Seed(store)
        #expect(try await store.read { try $0.lastEventCursor() } == 0)
        let before = Date()
        let appended = try await store.write { try $0.appendEvents([seed.event("a", data: ["n": 1]), seed.event("b")]) }
        #expect(appended.count == 2)
        #expect(appended[0].cursor > 0 && appended[1].cursor > appended[0].cursor)
        #expect(abs(appended[0].timestamp.timeIntervalSince(before)) < 5)
        #expect(appended[0].eventType == "a" && appended[0].data == ["n": 1])
        #expect(appended[0].initiator == ["user_id": "u1", "provider": "slack"])
        #expect(try await store.read { try $0.events(matching: EventFilter(), afterCursor: 0, limit: 10) } == appended)
        #expect(try await store.read { try $0.lastEventCursor() } == appended[1].cursor)
        #expect(try await store.write { try $0.appendEvents([]) }.isEmpty)
    }

    @Test func appendingToAMissingCommunityFails() async throws {
        let store = try SQLiteStore.inMemory()
        let seed = try await Seed(store)
        var event = seed.event()
        event.community = "ghost"
        let ghost = event
        await #expect(throws: StoreError.notFound("community 'ghost'")) { try await store.write { _ = try $0.appendEvents([seed.event(), ghost]) } }
        #expect(try await store.read { try $0.events(matching: EventFilter(), afterCursor: 0, limit: 10) }.isEmpty)
    }

    @Test func cursorsAreNeverReusedAfterDeletes() async throws {
        let store = try SQLiteStore.inMemory()
        let seed = try await Seed(store)
        let first = try await store.write { try $0.appendEvents([seed.event(), seed.event()]) }
        #expect(try await store.write { try $0.deleteCommunity(slug: "c") })
        #expect(try await store.read { try $0.events(matching: EventFilter(), afterCursor: 0, limit: 10) }.isEmpty)
        // The high-water mark survives the deletion.
        #expect(try await store.read { try $0.lastEventCursor() } == first[1].cursor)
        let again = try await Seed(store)
        let later = try await store.write { try $0.appendEvents([again.event()]) }
        #expect(later[0].cursor > first[1].cursor)
        #expect(try await store.read { try $0.lastEventCursor() } == later[0].cursor)
    }

    @Test func filtersAndPaging() async throws {
        let store = try SQLiteStore.inMemory()
        let c = try await Seed(store)
        let d = try await Seed(store, slug: "d", plugin: "q")
        let events = try await store.write { writer in
            try writer.appendEvents([
                c.event("x"), d.event("x"), c.event("y"), c.event("x", source: "other"), d.event("z"), c.event("y"),
            ])
        }
        let cursors = events.map(\.cursor)
        func list(_ filter: EventFilter, after: Int64 = 0, limit: Int = 100) async throws -> [Int64] {
            try await store.read { try $0.events(matching: filter, afterCursor: after, limit: limit) }.map(\.cursor)
        }
        #expect(try await list(EventFilter()) == cursors)
        #expect(try await list(EventFilter(community: "c")) == [cursors[0], cursors[2], cursors[3], cursors[5]])
        #expect(try await list(EventFilter(sources: ["q"])) == [cursors[1], cursors[4]])
        #expect(try await list(EventFilter(sources: ["p", "other"])) == [cursors[0], cursors[2], cursors[3], cursors[5]])
        #expect(try await list(EventFilter(eventTypes: ["x"])) == [cursors[0], cursors[1], cursors[3]])
        #expect(try await list(EventFilter(eventTypes: ["y", "z"])) == [cursors[2], cursors[4], cursors[5]])
        #expect(try await list(EventFilter(community: "c", sources: ["p"], eventTypes: ["x"])) == [cursors[0]])
        #expect(try await list(EventFilter(eventTypes: ["none"])).isEmpty)
        #expect(try await list(EventFilter(community: "nobody")).isEmpty)
        // Paging by cursor.
        #expect(try await list(EventFilter(), limit: 4) == Array(cursors[0...3]))
        #expect(try await list(EventFilter(), after: cursors[3], limit: 4) == Array(cursors[4...5]))
        #expect(try await list(EventFilter(), after: cursors[5]).isEmpty)
        #expect(try await list(EventFilter(community: "c"), after: cursors[2], limit: 1) == [cursors[3]])
        #expect(try await list(EventFilter(), limit: 0).isEmpty)
        // Results agree with EventFilter.matches.
        let filter = EventFilter(community: "c", eventTypes: ["y"])
        #expect(try await list(filter) == events.filter(filter.matches).map(\.cursor))
    }
}
