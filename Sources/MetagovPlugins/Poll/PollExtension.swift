import MetagovCore

/// A native vote that needs no external platform: drivers start a `vote`, people cast votes through the
/// `cast-vote` action, and the vote closes at its closing time, when its quorum is reached, or on request.
public final class PollExtension: PluginTypeProvider {
    public let name = "poll"

    public init() {}

    public func pluginTypes() -> [PluginType] {
        [
            PluginType(
                name: "poll",
                description: "Native votes with options, optional closing time, quorum and eligible voters.",
                configSchema: ["type": "object", "properties": [:]],
                actions: [CastVote.action],
                processes: [PollVote.type],
                eventTypes: [PollVote.voteCastEvent]
            )
        ]
    }
}
