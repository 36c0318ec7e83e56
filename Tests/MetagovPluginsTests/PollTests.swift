import Foundation
import MetagovCore
import MetagovPlugins
import MetagovTestSupport
import Testing

@Suite struct PollTests {
    private func core(_ clock: ManualClock = ManualClock(), backend: StoreBackend = .sqlite) async throws -> Metagov {
        let core = try makeTestCore(BuiltinExtensions.all(), backend: backend, clock: clock)
        _ = try await core.communities.create(slug: "c", readableName: "C")
        _ = try await core.plugins.enable(community: "c", name: "poll")
        return core
    }

    private func start(_ core: Metagov, _ parameters: JSONValue) async throws -> GovernanceProcess {
        try await core.processes.start(community: "c", plugin: "poll", process: "vote", parameters: parameters)
    }

    @discardableResult
    private func vote(_ core: Metagov, _ id: Int64, _ voter: String, _ option: String) async throws -> JSONValue {
        try await core.actions.perform(
            community: "c", plugin: "poll", action: "cast-vote",
            parameters: ["process_id": .integer(Int(id)), "voter": .string(voter), "option": .string(option)])
    }

    @Test(arguments: StoreBackend.available) func votesAreCountedReplacedAndClosedWithAWinner(_ backend: StoreBackend) async throws {
        let core = try await core(backend: backend)
        let process = try await start(core, ["title": "Lunch", "options": ["pizza", "salad"]])
        #expect(process.status == .pending)
        #expect(process.outcome == ["votes": ["pizza": 0, "salad": 0], "voter_count": 0])
        try await vote(core, process.id, "ann", "pizza")
        try await vote(core, process.id, "bob", "pizza")
        let changed = try await vote(core, process.id, "bob", "salad")
        #expect(changed["outcome"] == ["votes": ["pizza": 1, "salad": 1], "voter_count": 2])
        try await vote(core, process.id, "cy", "salad")
        let closed = try await core.processes.close(process.id)
        #expect(closed.status == .completed)
        #expect(closed.outcome == ["votes": ["pizza": 1, "salad": 2], "voter_count": 3, "winner": "salad"])
        let late = await metagovError { try await vote(core, process.id, "dee", "pizza") }
        #expect(late?.code == .failedPrecondition)
        #expect(late?.message == "vote \(process.id) is closed")
    }

    @Test(arguments: StoreBackend.available) func tieIsReported(_ backend: StoreBackend) async throws {
        let core = try await core(backend: backend)
        let process = try await start(core, ["title": "T", "options": ["a", "b", "c"]])
        try await vote(core, process.id, "x", "a")
        try await vote(core, process.id, "y", "b")
        let closed = try await core.processes.close(process.id)
        #expect(closed.outcome?["winner"] == .null)
        #expect(closed.outcome?["tie"] == ["a", "b"])
    }

    @Test(arguments: StoreBackend.available) func rejectsUnknownOptionsIneligibleVotersAndBadProcesses(_ backend: StoreBackend) async throws {
        let core = try await core(backend: backend)
        let process = try await start(core, ["title": "T", "options": ["a", "b"], "eligible_voters": ["ann", "bob"]])
        let option = await metagovError { try await vote(core, process.id, "ann", "zzz") }
        #expect(option?.code == .invalidArgument)
        #expect(option?.message.contains("not an option") == true)
        let voter = await metagovError { try await vote(core, process.id, "eve", "a") }
        #expect(voter?.code == .invalidArgument)
        #expect(voter?.message.contains("not eligible") == true)
        let missing = await metagovError { try await vote(core, 9999, "ann", "a") }
        #expect(missing?.code == .notFound)
        #expect(try await core.processes.get(process.id).outcome?["voter_count"] == 0)
        #expect(try await core.events.list().isEmpty)
    }

    @Test(arguments: [
        ["title": "T", "options": ["only"]] as JSONValue, ["title": "T", "options": ["a", "a"]],
        ["options": ["a", "b"]], ["title": "T", "options": ["a", "b"], "quorum": 0],
        ["title": "T", "options": ["a", "b"], "closing_at": "tomorrow"],
        ["title": "T", "options": ["a", "b"], "quorum": 3, "eligible_voters": ["x"]],
    ])
    func invalidStartParameters(_ parameters: JSONValue) async throws {
        let core = try await core()
        let error = await metagovError { _ = try await start(core, parameters) }
        #expect(error?.code == .invalidArgument)
        #expect(try await core.processes.list(ProcessFilter(community: "c")).items.isEmpty)
    }

    @Test(arguments: StoreBackend.available) func closesWhenQuorumIsReached(_ backend: StoreBackend) async throws {
        let core = try await core(backend: backend)
        let process = try await start(core, ["title": "Q", "options": ["yes", "no"], "quorum": 2])
        try await vote(core, process.id, "a", "yes")
        #expect(try await core.processes.get(process.id).status == .pending)
        let last = try await vote(core, process.id, "b", "yes")
        #expect(last["status"] == "completed")
        #expect(try await core.processes.get(process.id).outcome?["winner"] == "yes")
    }

    @Test(arguments: StoreBackend.available) func closesAtClosingTimeThroughTheScheduler(_ backend: StoreBackend) async throws {
        let clock = ManualClock()
        let core = try await core(clock, backend: backend)
        let closing = clock.now().addingTimeInterval(3600).rfc3339
        let process = try await start(core, ["title": "Timed", "options": ["a", "b"], "closing_at": .string(closing)])
        try await vote(core, process.id, "a", "b")
        _ = try await core.scheduler.tick()
        #expect(try await core.processes.get(process.id).status == .pending)
        clock.advance(3600)
        _ = try await core.scheduler.tick()
        let closed = try await core.processes.get(process.id)
        #expect(closed.status == .completed)
        #expect(closed.outcome?["winner"] == "b")
        let past = await metagovError { _ = try await start(core, ["title": "Old", "options": ["a", "b"], "closing_at": .string(closing)]) }
        #expect(past?.message.contains("in the past") == true)
    }

    @Test(arguments: StoreBackend.available) func everyVoteEmitsAnEvent(_ backend: StoreBackend) async throws {
        let core = try await core(backend: backend)
        let process = try await start(core, ["title": "E", "options": ["a", "b"]])
        try await vote(core, process.id, "ann", "a")
        try await vote(core, process.id, "ann", "b")
        let events = try await core.events.list(EventFilter(community: "c", eventTypes: ["vote_cast"]))
        #expect(events.map(\.data) == [
            ["process_id": .integer(Int(process.id)), "voter": "ann", "option": "a", "previous_option": nil],
            ["process_id": .integer(Int(process.id)), "voter": "ann", "option": "b", "previous_option": "a"],
        ])
        #expect(events.allSatisfy { $0.source == "poll" && $0.initiator["user_id"] == "ann" })
    }

    @Test(arguments: StoreBackend.available) func concurrentVotesAreAllCounted(_ backend: StoreBackend) async throws {
        let core = try await core(backend: backend)
        let process = try await start(core, ["title": "Busy", "options": ["a", "b"]])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<30 {
                group.addTask { try await self.vote(core, process.id, "voter\(i)", i % 3 == 0 ? "a" : "b") }
            }
            try await group.waitForAll()
        }
        #expect(try await core.processes.get(process.id).outcome == ["votes": ["a": 10, "b": 20], "voter_count": 30])
        #expect(try await core.events.list().count == 30)
    }

    @Test(arguments: StoreBackend.available) func eachBallotIsItsOwnEntryAndTheProcessStaysSmall(_ backend: StoreBackend) async throws {
        let core = try await core(backend: backend)
        let process = try await start(core, ["title": "Big", "options": ["a", "b"], "eligible_voters": ["v0", "v1", "v2", "v3"]])
        for voter in ["v0", "v1", "v2", "v3", "v1"] { try await vote(core, process.id, voter, voter == "v0" ? "a" : "b") }
        let stored = try await core.processes.get(process.id)
        // The process record holds the options and the counts, never the voters.
        #expect(Set(stored.state.keys) == ["title", "options", "restricted"])
        #expect(stored.outcome == ["votes": ["a": 1, "b": 3], "voter_count": 4])
        let id = process.id
        let (ballot, eligible, stranger) = try await core.store.read { reader in
            (try reader.processEntry(processID: id, key: "ballot:v1"), try reader.processEntry(processID: id, key: "eligible:v3"),
             try reader.processEntry(processID: id, key: "ballot:nobody"))
        }
        #expect(ballot == "b" && eligible == true && stranger == nil)
    }

    @Test(arguments: StoreBackend.available) func aVoteStartedBeforeKeyedEntriesIsUpgradedOnItsNextVote(_ backend: StoreBackend) async throws {
        let core = try await core(backend: backend)
        let plugin = try await core.plugins.get(community: "c", name: "poll")
        // A vote as the previous release stored it: ballots and eligible voters in the process state.
        let legacy = try await core.store.write { writer in
            try writer.insertProcess(
                pluginID: plugin.id, name: "vote", status: .pending, outcome: ["votes": ["a": 1, "b": 1], "voter_count": 2],
                errors: nil,
                state: ["title": "Old", "options": ["a", "b"], "ballots": ["ann": "a", "bob": "b"], "eligible_voters": ["ann", "bob", "cy"]],
                callbackURL: nil)
        }
        let changed = try await vote(core, legacy.id, "ann", "b")
        #expect(changed["outcome"] == ["votes": ["a": 0, "b": 2], "voter_count": 2])
        try await vote(core, legacy.id, "cy", "a")
        let ineligible = await metagovError { try await vote(core, legacy.id, "dee", "a") }
        #expect(ineligible?.message.contains("not eligible") == true)
        let stored = try await core.processes.get(legacy.id)
        #expect(Set(stored.state.keys) == ["title", "options", "restricted"])
        #expect(stored.outcome == ["votes": ["a": 1, "b": 2], "voter_count": 3])
        let events = try await core.events.list(EventFilter(eventTypes: ["vote_cast"]))
        #expect(events.first?.data["previous_option"] == "a")
    }
}
