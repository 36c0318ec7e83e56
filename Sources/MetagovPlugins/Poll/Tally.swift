import MetagovCore

/// The counts of a poll vote, kept in its outcome (`{votes: {option: count}, voter_count}`) and updated vote by
/// vote, so that neither a vote nor closing reads the ballots. A vote changes the counts it read in place: the
/// outcome is not rebuilt option by option.
struct Tally {
    /// Options in the order the vote was started with.
    let options: [String]
    /// Ballots per option (`{option: count}`), as kept in the outcome.
    private var votes: JSONObject
    /// Voters who have a ballot.
    private(set) var voterCount: Int

    /// The tally of a vote: options from its state, counts from its outcome.
    init(_ process: ProcessHandle) {
        options = process.state(PollVote.optionsKey)?.arrayValue?.compactMap(\.stringValue) ?? []
        let outcome = process.outcome
        votes = outcome?["votes"]?.objectValue ?? [:]
        voterCount = outcome?["voter_count"]?.intValue ?? 0
        // An outcome written without every option (or without counts at all) counts the missing ones as 0.
        if votes.count < options.count {
            for option in options where votes[option] == nil { votes[option] = .integer(0) }
        }
    }

    /// Ballots for `option`.
    func count(of option: String) -> Int { votes[option]?.intValue ?? 0 }

    /// Counts a ballot for `option`, replacing the voter's `previous` one if they had one.
    mutating func record(_ option: String, replacing previous: String?) {
        if let previous {
            votes[previous] = .integer(count(of: previous) - 1)
        } else {
            voterCount += 1
        }
        votes[option] = .integer(count(of: option) + 1)
    }

    /// The outcome while the vote is open: `{votes: {option: count}, voter_count}`.
    var openOutcome: JSONValue {
        ["votes": .object(votes), "voter_count": .integer(voterCount)]
    }

    /// The final outcome: the open outcome plus `winner`, or `tie` listing the options sharing the lead.
    var closedOutcome: JSONValue {
        guard case .object(var outcome) = openOutcome else { return openOutcome }
        let best = options.map(count(of:)).max() ?? 0
        let leaders = options.filter { count(of: $0) == best }
        if leaders.count == 1, let winner = leaders.first {
            outcome["winner"] = .string(winner)
        } else {
            outcome["winner"] = .null
            outcome["tie"] = .array(leaders.map(JSONValue.string))
        }
        return .object(outcome)
    }
}
