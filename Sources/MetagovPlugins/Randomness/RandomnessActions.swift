import MetagovCore

/// The actions of the `randomness` plugin.
enum RandomnessActions {
    static let setLuckyNumber = ActionDefinition(
        slug: "set-lucky-number",
        description: "Store a lucky number in the plugin's state",
        inputSchema: [
            "type": "object",
            "properties": ["lucky_number": ["type": "integer"]],
            "required": ["lucky_number"],
        ],
        outputSchema: [
            "type": "object",
            "properties": ["lucky_number": ["type": "integer"]],
            "required": ["lucky_number"],
        ]
    ) { context, parameters in
        let number = parameters["lucky_number"] ?? .null
        context.setState("lucky_number", number)
        return ["lucky_number": number]
    }

    static let randomInt = ActionDefinition(
        slug: "random-int",
        description: "A random integer in [low, high); the bounds default to the configured ones",
        inputSchema: [
            "type": "object",
            "properties": ["low": ["type": "integer"], "high": ["type": "integer"]],
        ],
        outputSchema: [
            "type": "object",
            "properties": ["value": ["type": "integer"]],
            "required": ["value"],
        ],
        // Reading a random number changes nothing: callable without a token.
        isPublic: true
    ) { context, parameters in
        guard let low = parameters["low"]?.intValue ?? context.config["default_low"]?.intValue,
            let high = parameters["high"]?.intValue ?? context.config["default_high"]?.intValue
        else {
            throw PluginError.internal("randomness is configured without default_low/default_high")
        }
        guard low < high else {
            throw PluginError.invalidInput("low (\(low)) must be less than high (\(high))")
        }
        var generator = KernelRandom()
        return ["value": .integer(Int.random(in: low..<high, using: &generator))]
    }
}
