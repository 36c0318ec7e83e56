import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct StreamTests {
    /// A core with widget enabled in communities c and d.
    private func core() async throws -> Metagov {
        let core = try makeCore()
        for slug in ["c", "d"] {
            _ = try await core.communities.create(slug: slug, readableName: slug.uppercased())
            _ = try await core.plugins.enable(community: slug, name: "widget", config: ["token": "t"])
        }
        return core
    }

    private func bump(_ core: Metagov, community: String = "c") async throws {
        _ = try await core.actions.perform(community: community, plugin: "widget", action: "bump")
    }

    @Test func subscriptionCatchesUpThenFollowsLiveEventsWithoutGapOrDuplicate() async throws {
        let core = try await core()
        for _ in 0..<5 { try await bump(core) }
        let third = try await core.events.list()[2].cursor
        let writers = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { for _ in 0..<25 { try await bump(core) } } }
                try await group.waitForAll()
            }
        }
        var cursors: [Int64] = []
        for try await event in core.subscribe(EventFilter(community: "c"), afterCursor: third) {
            cursors.append(event.cursor)
            if cursors.count == 102 { break }
        }
        try await writers.value
        let expected = try await core.events.list(limit: 1000).map(\.cursor).filter { $0 > third }
        #expect(cursors == expected)
        #expect(cursors.count == 102)
        #expect(Set(cursors).count == cursors.count)
    }

    @Test func eventsWrittenByAnotherProcessAreNotSkippedByLiveSubscribers() async throws {
        let database = try TemporaryDatabase()
        let server = try makeCore(database: database)
        _ = try await server.communities.create(slug: "c", readableName: "C")
        _ = try await server.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        let admin = try makeCore(database: database)
        try await bump(server)
        let start = try await server.events.list()[0].cursor
        var stream = server.subscribe(EventFilter(community: "c"), afterCursor: start).makeAsyncIterator()
        // The other process's events leave gaps in what this server committed itself; they are picked up when
        // this server's next commit wakes the stream.
        var expected: [Int64] = []
        for round in 0..<100 {
            let external = round % 3 == 1
            if external { try await bump(admin) }
            try await bump(server)
            for _ in 0..<(external ? 2 : 1) {
                let event = try #require(try await stream.next())
                expected.append(event.cursor)
            }
        }
        let stored = try await server.events.list(afterCursor: start, limit: 1000).map(\.cursor)
        #expect(expected == stored)
        #expect(expected.count == 133)
    }

    @Test func filtersApplyAndStalledSubscribersDelayNobody() async throws {
        let core = try await core()
        let stalled = core.subscribe(EventFilter(community: "c")).makeAsyncIterator()
        _ = stalled
        var other = core.subscribe(EventFilter(community: "d")).makeAsyncIterator()
        for _ in 0..<50 { try await bump(core) }
        var live = core.subscribe(EventFilter(community: "c"), afterCursor: 0).makeAsyncIterator()
        var count = 0
        while count < 50, try await live.next() != nil { count += 1 }
        #expect(count == 50)
        // The filtered subscriber skips the 50 events of community c: the first it gets is d's, written after them.
        try await bump(core, community: "d")
        let first = try await other.next()
        #expect(first?.community == "d")
    }

    @Test func watchDeliversCurrentStateThenChangesAndEnds() async throws {
        let core = try await core()
        let process = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q"])
        var statuses: [ProcessStatus] = []
        var updates = core.watchProcess(process.id).makeAsyncIterator()
        // The current state first; the change made after it is seen; then the stream ends.
        if let current = try await updates.next() { statuses.append(current.status) }
        _ = try await core.processes.close(process.id)
        while let update = try await updates.next() { statuses.append(update.status) }
        #expect(statuses == [.pending, .completed])
        var missing = core.watchProcess(9999).makeAsyncIterator()
        await #expect(throws: MetagovError.self) { _ = try await missing.next() }
    }

    @Test func releasedStreamsStopListening() async throws {
        let core = try await core()
        do {
            var iterator = core.subscribe().makeAsyncIterator()
            try await bump(core)
            #expect(try await iterator.next()?.eventType == "bumped")
            #expect(core.signals.hasSubscribers(SignalName.eventCreated))
        }
        #expect(!core.signals.hasSubscribers(SignalName.eventCreated))
    }
}
