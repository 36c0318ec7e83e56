import Foundation
import MetagovCore

/// The `vote` process of the `poll` plugin.
enum PollVote {
    static let voteCastEvent = "vote_cast"
    /// State keys: the options (in order), and whether only eligible voters may vote.
    static let optionsKey = "options"
    static let restrictedKey = "restricted"

    static let type = ProcessType(
        name: "vote",
        description: "A vote among options; closes at closing_at, when quorum voters have voted, or when closed",
        inputSchema: [
            "type": "object",
            "properties": [
                "title": ["type": "string", "minLength": 1],
                "options": ["type": "array", "items": ["type": "string", "minLength": 1], "minItems": 2, "uniqueItems": true],
                "closing_at": ["type": "string", "format": "date-time"],
                "quorum": ["type": "integer", "minimum": 1],
                "eligible_voters": ["type": "array", "items": ["type": "string"], "uniqueItems": true],
            ],
            "required": ["title", "options"],
            "additionalProperties": false,
        ],
        outcomeSchema: [
            "type": "object",
            "properties": [
                "votes": ["type": "object", "additionalProperties": ["type": "integer"]],
                "voter_count": ["type": "integer"],
                "winner": ["type": ["string", "null"]],
                "tie": ["type": "array", "items": ["type": "string"]],
            ],
        ],
        start: start,
        close: { context in close(context.process) },
        update: { context in
            guard let closing = context.process.state("closing_at")?.doubleValue,
                context.now().timeIntervalSince1970 >= closing
            else { return }
            close(context.process)
        }
    )

    @Sendable static func start(_ context: ProcessContext, _ parameters: JSONValue) async throws {
        let process = context.process
        if let text = parameters["closing_at"]?.stringValue {
            guard let closing = parseDate(text) else {
                throw PluginError.invalidInput("closing_at '\(text)' is not an RFC 3339 date-time")
            }
            guard closing > context.now() else {
                throw PluginError.invalidInput("closing_at '\(text)' is in the past")
            }
            process.setState("closing_at", .number(closing.timeIntervalSince1970))
        }
        for key in ["title", optionsKey, "quorum"] {
            if let value = parameters[key] { process.setState(key, value) }
        }
        if let eligible = parameters["eligible_voters"]?.arrayValue?.compactMap(\.stringValue) {
            if let quorum = parameters["quorum"]?.intValue, quorum > eligible.count {
                throw PluginError.invalidInput("quorum (\(quorum)) is larger than the \(eligible.count) eligible voters")
            }
            Ballots.restrict(process, to: eligible)
        }
        process.outcome = Tally(process).openOutcome
        process.status = .pending
    }

    /// Completes the vote with the final tally.
    static func close(_ process: ProcessHandle) {
        process.outcome = Tally(process).closedOutcome
        process.status = .completed
    }

    static func parseDate(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
