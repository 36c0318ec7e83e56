import Foundation
import MetagovClient
import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON
import Testing

private func setUpPoll(_ client: MetagovClient) async throws -> Int64 {
    _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
    _ = try await client.plugins.enablePlugin(.init(community: "c", name: "poll"))
    let vote = try await client.processes.startProcess(.init(
        community: "c", plugin: "poll", process: "vote",
        parameters: .init(fields: ["title": .init(json: "T"), "options": .init(json: ["x", "y"])])))
    return vote.id
}

private func castVote(_ client: MetagovClient, _ id: Int64, _ voter: String) async throws {
    _ = try await client.actions.performAction(.init(
        community: "c", plugin: "poll", action: "cast-vote",
        parameters: .init(fields: ["process_id": .init(json: .integer(Int(id))), "voter": .init(json: .string(voter)), "option": .init(json: "x")])))
}

@Suite("metagovd serve: event streams that lose nothing")
struct EventDeliveryTests {
    @Test("hand-over under concurrent writes: every event exactly once, in cursor order, from any resume cursor")
    func handOverUnderConcurrentWrites() async throws {
        try await withServer { server, client in
            let vote = try await setUpPoll(client)
            for n in 0..<20 { try await castVote(client, vote, "early\(n)") }
            var stored: [UInt64] = []
            for try await event in client.events.subscribe(.init()) {
                stored.append(event.cursor)
                if stored.count == 20 { break }
            }
            for resumeAt in [UInt64(0), stored[0], stored[9], stored[19]] {
                let writers = Task {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for w in 0..<4 {
                            group.addTask {
                                let writer = try await server.client()
                                for n in 0..<15 { try await castVote(writer, vote, "w\(resumeAt)-\(w)-\(n)") }
                                await writer.close()
                            }
                        }
                        try await group.waitForAll()
                    }
                }
                let before = stored.filter { $0 > resumeAt }.count
                var received: [UInt64] = []
                for try await event in client.events.subscribe(.init(afterCursor: resumeAt)) {
                    received.append(event.cursor)
                    if received.count == before + 60 { break }
                }
                try await writers.value
                #expect(received == received.sorted())
                #expect(Set(received).count == received.count)
                #expect(received.allSatisfy { $0 > resumeAt })
                stored = Array(Set(stored + received)).sorted()
                // Nothing was skipped: the stream saw exactly what the log holds after the cursor.
                var log: [UInt64] = []
                var options = GRPCCallOptions()
                options.timeout = .milliseconds(500)
                _ = await status {
                    for try await event in client.events.subscribe(.init(afterCursor: resumeAt), options: options) {
                        log.append(event.cursor)
                    }
                }
                #expect(Array(log.prefix(received.count)) == received)
            }
        }
    }

    @Test("events read back from the log carry the JSON they were emitted with, escapes and all")
    func storedEventsKeepTheirJSON() async throws {
        try await withServer { _, client in
            let vote = try await setUpPoll(client)
            let voter = "ü \"quoted\" \\ / 😀\n\u{1}" + String(repeating: "long ", count: 40)
            try await castVote(client, vote, voter)
            // From cursor 0 the stream reads the log (the store), not the in-memory tail.
            for try await event in client.events.subscribe(.init(eventTypes: ["vote_cast"])) {
                #expect(event.data?.members == [
                    "process_id": .integer(Int(vote)), "voter": .string(voter), "option": "x", "previous_option": nil,
                ])
                #expect(event.initiator?.members == ["user_id": .string(voter), "provider": "poll"])
                break
            }
        }
    }

    @Test("a stalled subscriber holds nothing back: the others receive every event")
    func stalledSubscriber() async throws {
        try await withServer { server, client in
            let vote = try await setUpPoll(client)
            let stalledConnection = try await server.client()
            var stalled = stalledConnection.events.subscribe(.init()).makeAsyncIterator()
            try await castVote(client, vote, "first")
            _ = try await stalled.next()  // then never read again
            let readers = (0..<3).map { _ in
                Task {
                    // A stream's deadline covers the whole stream: the 300 durable votes it waits for may take
                    // longer than one call's 20 s on a busy machine.
                    let reader = try await server.client(timeout: .seconds(300))
                    var count = 0
                    for try await _ in reader.events.subscribe(.init()) {
                        count += 1
                        if count == 301 { break }
                    }
                    await reader.close()
                    return count
                }
            }
            for n in 0..<300 { try await castVote(client, vote, "v\(n)") }
            for reader in readers { #expect(try await reader.value == 301) }
            await stalledConnection.close()
        }
    }

    @Test("a restarted server resumes a subscriber exactly where it stopped")
    func restartAndResume() async throws {
        let server = try ServerProcess()
        try server.start()
        var client = try await server.client()
        let vote = try await setUpPoll(client)
        for n in 0..<5 { try await castVote(client, vote, "a\(n)") }
        var seen: [Metagov_V1_Event] = []
        for try await event in client.events.subscribe(.init()) {
            seen.append(event)
            if seen.count == 3 { break }
        }
        await client.close()
        #expect(server.stop() == 0)
        try server.start()
        client = try await server.client()
        for n in 0..<2 { try await castVote(client, vote, "b\(n)") }
        var resumed: [String] = []
        for try await event in client.events.subscribe(.init(afterCursor: seen[2].cursor)) {
            resumed.append(event.data?.json["voter"]?.stringValue ?? "")
            if resumed.count == 4 { break }
        }
        #expect(resumed == ["a3", "a4", "b0", "b1"])
        await client.close()
        #expect(server.stop() == 0)
    }

    @Test("retention: a cursor older than what is kept is OUT_OF_RANGE naming the oldest cursor available")
    func retention() async throws {
        let server = try ServerProcess()
        let config = server.directory.appendingPathComponent("metagov.conf")
        try "metagov.events.retention_count = 3\n".write(to: config, atomically: true, encoding: .utf8)
        try server.start(extraArguments: ["--config-file", config.path])
        defer { server.stop() }
        let client = try await server.client()
        let vote = try await setUpPoll(client)
        // A fresh database: the six events get cursors 1...6.
        for n in 0..<6 { try await castVote(client, vote, "v\(n)") }
        let firstCursor: UInt64 = 1
        // The scheduler (every 0.2 s here) prunes all but the newest 3; a pass may have run while the votes
        // were cast (then fewer were deleted yet), so wait for the pass after the sixth.
        let oldest = firstCursor + 2  // six events: the first three are deleted
        var outOfRange: GRPCStatus?
        for _ in 0..<100 {
            outOfRange = await status { for try await _ in client.events.subscribe(.init(afterCursor: firstCursor)) { break } }
            if outOfRange?.message.contains("oldest cursor available is \(oldest)") == true { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(outOfRange?.code == .outOfRange)
        #expect(outOfRange?.message.contains("oldest cursor available is \(oldest)") == true)
        var kept: [String] = []
        for try await event in client.events.subscribe(.init(afterCursor: oldest)) {
            kept.append(event.data?.json["voter"]?.stringValue ?? "")
            if kept.count == 3 { break }
        }
        #expect(kept == ["v3", "v4", "v5"])
        await client.close()
    }
}
