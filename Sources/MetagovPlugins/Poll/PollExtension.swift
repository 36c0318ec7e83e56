import MetagovCore

/// A native vote that needs no external platform: drivers start a `vote`, people cast votes through the
/// `cast-vote` action, and the vote closes at its closing time, when its quorum is reached, or on request.
public final class PollExtension: PluginTypeProvider, CommandProvider {
    public let name = "poll"

    public init() {}

    public func pluginTypes() -> [PluginType] {
        [
            PluginType("poll", description: "Native votes with options, optional closing time, quorum and eligible voters.") {
                Config(schema: ["type": "object", "properties": [:]])
                Emits(PollVote.voteCastEvent)
                CastVote.action
                PollVote.type
            }
        ]
    }

    /// `metagovd poll-tally PROCESS_ID`: prints a poll vote's title, status and current tally.
    public func commands() -> [PluginCommand] {
        [PluginCommand(name: "poll-tally", abstract: "Print a poll vote's title, status and tally") { arguments, environment in
            guard arguments.count == 1, let id = Int64(arguments[0]) else {
                environment.print("usage: metagovd poll-tally PROCESS_ID")
                return 64
            }
            let process = try await environment.metagov.processes.get(id)
            guard process.plugin == "poll" else { throw PluginError.notFound("process \(id) is not a poll vote") }
            let summary: JSONValue = [
                "id": .integer(Int(id)), "title": process.state["title"] ?? .null,
                "status": .string(process.status.rawValue), "outcome": process.outcome ?? .null,
            ]
            environment.print(summary.serialized(pretty: true))
            return 0
        }]
    }
}
