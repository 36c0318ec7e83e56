import ArgumentParser
import Foundation
import MetagovClient
import MetagovJSON
import MetagovProto
import MetagovProtoJSON

/// `metagov-bench seed-votes`: casts `--count` votes of distinct voters (`VOTER-PREFIX-N`, options alternating) into
/// a poll vote through `poll.cast-vote`, over `--connections` connections, and checks that the poll counted each.
struct SeedVotes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-votes", abstract: "Fill a poll vote with votes of distinct voters.")

    @Option(help: "Server HOST:PORT.") var server: ServerAddress
    @Option(help: "Community of the poll.") var community: String
    @Option(help: "Process id of the poll vote.") var process: Int64
    @Option(help: "Votes to cast.") var count = 100_000
    @Option(help: "Concurrent connections (one caller each).") var connections = 32
    @Option(help: "Prefix of the voters' names.") var voterPrefix = "seed"

    func run() async throws {
        let clients = try await (0..<connections).asyncMap { _ in
            try await MetagovClient.connect(host: server.host, port: server.port)
        }
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    for n in stride(from: index, to: count, by: connections) {
                        _ = try await client.actions.performAction(.init(
                            community: community, plugin: "poll", action: "cast-vote",
                            parameters: .init(fields: [
                                "process_id": .init(json: .integer(Int(process))),
                                "voter": .init(json: .string("\(voterPrefix)-\(n)")),
                                "option": .init(json: n % 2 == 0 ? "a" : "b"),
                            ])))
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = (ContinuousClock.now - start).seconds
        let poll = try await clients[0].processes.getProcess(.init(id: process))
        let counted = poll.outcome?.json["voter_count"]?.intValue ?? -1
        for client in clients { await client.close() }
        guard counted >= count else { throw FanoutError("the poll counted \(counted) voters after \(count) votes") }
        print(String(format: "seed-votes: %d votes in %.1f s (%.0f votes/s); the poll counts %d voters", count, seconds, Double(count) / seconds, counted))
    }
}
