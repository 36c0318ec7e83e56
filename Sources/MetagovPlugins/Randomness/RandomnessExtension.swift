import MetagovCore

/// Metagov's example plugin: random numbers, a lucky number kept in state, and a vote decided by chance.
public final class RandomnessExtension: PluginTypeProvider {
    public let name = "randomness"

    public init() {}

    public func pluginTypes() -> [PluginType] {
        [
            PluginType(
                name: "randomness",
                description: "Random numbers and a vote decided by chance (Metagov's example plugin).",
                configSchema: [
                    "type": "object",
                    "properties": [
                        "default_low": ["type": "integer", "description": "Lower bound used when random-int gets none"],
                        "default_high": ["type": "integer", "description": "Upper bound (exclusive) used when random-int gets none"],
                    ],
                    "required": ["default_low", "default_high"],
                ],
                actions: [RandomnessActions.setLuckyNumber, RandomnessActions.randomInt],
                processes: [DelayedStochasticVote.type],
                initialize: { context in context.setState("lucky_number", 4) }
            )
        ]
    }
}
