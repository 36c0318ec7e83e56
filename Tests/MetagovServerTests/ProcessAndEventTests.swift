import MetagovClient
import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON
import Testing

private func pollCommunity(_ client: MetagovClient) async throws {
    _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
    _ = try await client.plugins.enablePlugin(.init(community: "c", name: "poll"))
}

private func startVote(_ client: MetagovClient, quorum: Int? = nil) async throws -> Metagov_V1_GovernanceProcess {
    var parameters: JSONObject = ["title": "Lunch?", "options": ["pizza", "soup"]]
    if let quorum { parameters["quorum"] = .integer(quorum) }
    return try await client.processes.startProcess(
        .init(community: "c", plugin: "poll", process: "vote", parameters: .init(fields: parameters)))
}

private func vote(_ client: MetagovClient, _ id: Int64, _ voter: String, _ option: String) async throws {
    _ = try await client.actions.performAction(
        .init(community: "c", plugin: "poll", action: "cast-vote",
              parameters: .init(fields: ["process_id": .integer(Int(id)), "voter": .string(voter), "option": .string(option)])))
}

@Suite("metagovd serve: processes and events")
struct ProcessAndEventTests {
    @Test("start, get, list by status, close, close again, unknown ids")
    func processes() async throws {
        try await withServer { _, client in
            try await pollCommunity(client)
            let started = try await startVote(client)
            #expect(started.status == .pending)
            #expect(started.plugin == "poll" && started.name == "vote" && started.community == "c")
            #expect(try await client.processes.getProcess(.init(id: started.id)) == started)
            let pending = try await client.processes.listProcesses(.init(community: "c", status: .pending))
            #expect(pending.processes.map(\.id) == [started.id])
            try await vote(client, started.id, "ann", "soup")
            let closed = try await client.processes.closeProcess(.init(id: started.id))
            #expect(closed.status == .completed)
            #expect(closed.outcome?.json["winner"] == "soup")
            let again = await status { _ = try await client.processes.closeProcess(.init(id: started.id)) }
            #expect(again?.code == .failedPrecondition)
            #expect(try await client.processes.listProcesses(.init(community: "c", status: .pending)).processes.isEmpty)
            #expect(try await client.processes.listProcesses(.init(status: .completed)).processes.count == 1)
            let missing = await status { _ = try await client.processes.getProcess(.init(id: 999)) }
            #expect(missing?.code == .notFound)
            #expect(missing?.message.contains("999") == true)
            let unknownType = await status {
                _ = try await client.processes.startProcess(.init(community: "c", plugin: "poll", process: "referendum"))
            }
            #expect(unknownType?.code == .notFound)
            #expect(unknownType?.message.contains("poll.referendum") == true)
            let invalid = await status {
                _ = try await client.processes.startProcess(.init(community: "c", plugin: "poll", process: "vote"))
            }
            #expect(invalid?.code == .invalidArgument)
            #expect(invalid?.message.hasPrefix("Validation error") == true)
            let closedVote = await status { try await vote(client, started.id, "bob", "pizza") }
            #expect(closedVote?.code == .failedPrecondition)
        }
    }

    @Test("watch: the current state first, every change, then the stream ends at completion")
    func watch() async throws {
        try await withServer { _, client in
            try await pollCommunity(client)
            let started = try await startVote(client, quorum: 2)
            var iterator = client.processes.watchProcess(.init(id: started.id)).makeAsyncIterator()
            let first = try #require(try await iterator.next())
            #expect(first.status == .pending)
            try await vote(client, started.id, "ann", "soup")
            let afterVote = try #require(try await iterator.next())
            #expect(afterVote.outcome?.json["voter_count"] == 1)
            try await vote(client, started.id, "bob", "soup")
            var last = afterVote
            while let next = try await iterator.next() { last = next }
            #expect(last.status == .completed)
            #expect(last.outcome?.json["winner"] == "soup")
            let missing = await status {
                for try await _ in client.processes.watchProcess(.init(id: 4242)) {}
            }
            #expect(missing?.code == .notFound)
        }
    }

    @Test("subscribe: stored events after the cursor, then live ones, no gap and no duplicate; filters")
    func subscribe() async throws {
        try await withServer { _, client in
            try await pollCommunity(client)
            let vote1 = try await startVote(client)
            for voter in ["a", "b", "c"] { try await vote(client, vote1.id, voter, "pizza") }
            var stream = client.events.subscribe(.init(community: "c")).makeAsyncIterator()
            var seen: [Metagov_V1_Event] = []
            for _ in 0..<3 { seen.append(try #require(try await stream.next())) }
            #expect(seen.map { $0.data?.json["voter"] } == ["a", "b", "c"])
            #expect(seen.allSatisfy { $0.eventType == "vote_cast" && $0.source == "poll" && $0.community == "c" })
            for voter in ["d", "e"] { try await vote(client, vote1.id, voter, "soup") }
            for _ in 0..<2 { seen.append(try #require(try await stream.next())) }
            let cursors = seen.map(\.cursor)
            #expect(cursors == cursors.sorted() && Set(cursors).count == 5)
            #expect(seen.last?.data?.json["voter"] == "e")
            // Resume after the second event: exactly the three that follow.
            var resumed = client.events.subscribe(.init(community: "c", afterCursor: cursors[1])).makeAsyncIterator()
            var after: [UInt64] = []
            for _ in 0..<3 { after.append(try #require(try await resumed.next()).cursor) }
            #expect(after == Array(cursors[2...]))
            // Filters: an event type nobody emits yields nothing before the deadline.
            var options = GRPCCallOptions()
            options.timeout = .milliseconds(300)
            let filtered = await status {
                for try await _ in client.events.subscribe(.init(community: "c", eventTypes: ["other"]), options: options) {
                    Issue.record("no event should match")
                }
            }
            #expect(filtered?.code == .deadlineExceeded)
            let unknown = await status { for try await _ in client.events.subscribe(.init(community: "zz")) {} }
            #expect(unknown?.code == .notFound)
        }
    }
}
