import MetagovCore

/// The `cast-vote` action of the `poll` plugin.
enum CastVote {
    static let action = ActionDefinition(
        slug: "cast-vote",
        description: "Cast (or change) a voter's vote in an open poll vote",
        inputSchema: [
            "type": "object",
            "properties": [
                "process_id": ["type": "integer", "minimum": 1],
                "voter": ["type": "string", "minLength": 1],
                "option": ["type": "string"],
            ],
            "required": ["process_id", "voter", "option"],
            "additionalProperties": false,
        ],
        outputSchema: [
            "type": "object",
            "properties": [
                "process_id": ["type": "integer"],
                "status": ["type": "string", "enum": ["pending", "completed"]],
                "outcome": ["type": "object"],
            ],
            "required": ["process_id", "status", "outcome"],
        ]
    ) { context, parameters in
        let id = Int64(parameters["process_id"]?.intValue ?? 0)
        let voter = parameters["voter"]?.stringValue ?? ""
        let option = parameters["option"]?.stringValue ?? ""
        let process = try await context.process(id: id)
        guard process.name == PollVote.type.name else {
            throw PluginError.notFound("process \(id) is not a poll vote")
        }
        guard process.status == .pending else {
            throw PluginError.failedPrecondition("vote \(id) is closed")
        }
        Ballots.upgradeLegacyState(process)
        var tally = Tally(process)
        guard tally.options.contains(option) else {
            throw PluginError.invalidInput(
                "'\(option)' is not an option of vote \(id); options are \(tally.options.joined(separator: ", "))")
        }
        guard try await Ballots.isEligible(voter, in: process) else {
            throw PluginError.invalidInput("voter '\(voter)' is not eligible to vote in vote \(id)")
        }
        let previous = try await Ballots.ballot(of: voter, in: process)
        Ballots.cast(option, by: voter, in: process)
        tally.record(option, replacing: previous)
        process.outcome = tally.openOutcome
        try context.emit(
            PollVote.voteCastEvent,
            data: ["process_id": .integer(Int(id)), "voter": .string(voter), "option": .string(option),
                   "previous_option": previous.map(JSONValue.string) ?? .null],
            initiator: ["user_id": .string(voter), "provider": "poll"])
        if let quorum = process.state("quorum")?.intValue, tally.voterCount >= quorum {
            PollVote.close(process)
        }
        return ["process_id": .integer(Int(id)), "status": .string(process.status.rawValue),
                "outcome": process.outcome ?? [:]]
    }
}
