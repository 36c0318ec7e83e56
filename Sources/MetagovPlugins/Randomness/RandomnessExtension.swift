import Foundation
import MetagovCore

/// Metagov's example plugin: random numbers, a lucky number kept in state, a periodic task and a vote decided
/// by chance.
public final class RandomnessExtension: PluginTypeProvider {
    public let name = "randomness"

    public init() {}

    public func pluginTypes() -> [PluginType] { [Self.randomness] }

    static let randomness = PluginType("randomness", description: "Random numbers and a vote decided by chance (Metagov's example plugin).") {
        Config(schema: [
            "type": "object",
            "properties": [
                "default_low": ["type": "integer", "description": "Lower bound used when random-int gets none"],
                "default_high": ["type": "integer", "description": "Upper bound (exclusive) used when random-int gets none"],
            ],
            "required": ["default_low", "default_high"],
        ])

        Initialize { context in context.setState("lucky_number", 4) }

        Action(
            "set-lucky-number", "Store a lucky number in the plugin's state",
            input: ["type": "object", "properties": ["lucky_number": ["type": "integer"]], "required": ["lucky_number"]],
            output: ["type": "object", "properties": ["lucky_number": ["type": "integer"]], "required": ["lucky_number"]]
        ) { context, parameters in
            let number = parameters["lucky_number"] ?? .null
            context.setState("lucky_number", number)
            return ["lucky_number": number]
        }

        // Reading a random number changes nothing: callable without a token.
        Action(
            "random-int", "A random integer in [low, high); the bounds default to the configured ones",
            input: ["type": "object", "properties": ["low": ["type": "integer"], "high": ["type": "integer"]]],
            output: ["type": "object", "properties": ["value": ["type": "integer"]], "required": ["value"]],
            isPublic: true
        ) { context, parameters in
            ["value": .integer(try randomInt(parameters["low"]?.intValue, parameters["high"]?.intValue, config: context.config))]
        }

        PeriodicTask { context in context.logger.debug("randomness: periodic task ran") }

        ProcessType(
            "delayed-stochastic-vote", "Picks a random winner among the options once `delay` minutes have passed",
            input: [
                "type": "object",
                "properties": [
                    "options": ["type": "array", "items": ["type": "string"], "minItems": 1],
                    "delay": ["type": "integer", "minimum": 0, "description": "Minutes to wait before closing"],
                ],
                "required": ["options", "delay"],
            ],
            outcome: ["type": "object", "properties": ["winner": ["type": ["string", "null"]]]]
        ) { vote, parameters in
            let closing = vote.now().addingTimeInterval(TimeInterval(parameters["delay"]?.intValue ?? 0) * 60)
            vote.process.setState("options", parameters["options"])
            vote.process.setState("closing_at", .number(closing.timeIntervalSince1970))
            vote.process.outcome = ["winner": nil]
            vote.process.status = .pending
        } update: { vote in
            guard let closing = vote.process.state("closing_at")?.doubleValue,
                vote.now().timeIntervalSince1970 >= closing
            else { return }
            try await drawWinner(vote)
        } close: { vote in
            try await drawWinner(vote)
        }
    }

    /// A random integer in [low, high), the bounds defaulting to the configured ones.
    static func randomInt(_ low: Int?, _ high: Int?, config: JSONValue) throws -> Int {
        guard let low = low ?? config["default_low"]?.intValue, let high = high ?? config["default_high"]?.intValue else {
            throw PluginError.internal("randomness is configured without default_low/default_high")
        }
        guard low < high else { throw PluginError.invalidInput("low (\(low)) must be less than high (\(high))") }
        var generator = KernelRandom()
        return Int.random(in: low..<high, using: &generator)
    }

    /// Closes the vote with a random option as its winner (Metagov uses its own random-int action for this).
    @Sendable static func drawWinner(_ vote: ProcessContext) async throws {
        let options = vote.process.state("options")?.arrayValue ?? []
        let index = try randomInt(0, max(options.count, 1), config: vote.config)
        vote.process.outcome = ["winner": options.isEmpty ? .null : options[index]]
        vote.process.status = .completed
    }
}
