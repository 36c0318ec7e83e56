import MetagovCore

/// The counts of a poll vote, kept in its outcome (`{votes: {option: count}, voter_count}`) and updated vote by
/// vote, so that neither a vote nor closing reads the ballots.
struct Tally {
    /// Options in the order the vote was started with.
    var options: [String]
    /// Ballots per option.
    var counts: [String: Int]
    /// Voters who have a ballot.
    var voterCount: Int

    /// No votes yet.
    init(options: [String]) {
        self.options = options
        counts = Dictionary(uniqueKeysWithValues: options.map { ($0, 0) })
        voterCount = 0
    }

    /// The tally of a vote: options from its state, counts from its outcome.
    init(_ process: ProcessHandle) {
        self.init(options: process.state(PollVote.optionsKey)?.arrayValue?.compactMap(\.stringValue) ?? [])
        for (option, count) in process.outcome?["votes"]?.objectValue ?? [:] { counts[option] = count.intValue ?? 0 }
        voterCount = process.outcome?["voter_count"]?.intValue ?? 0
    }

    /// Counts a ballot for `option`, replacing the voter's `previous` one if they had one.
    mutating func record(_ option: String, replacing previous: String?) {
        if let previous {
            counts[previous, default: 0] -= 1
        } else {
            voterCount += 1
        }
        counts[option, default: 0] += 1
    }

    /// The outcome while the vote is open: `{votes: {option: count}, voter_count}`.
    var openOutcome: JSONValue {
        ["votes": .object(counts.mapValues { .integer($0) }), "voter_count": .integer(voterCount)]
    }

    /// The final outcome: the open outcome plus `winner`, or `tie` listing the options sharing the lead.
    var closedOutcome: JSONValue {
        guard case .object(var outcome) = openOutcome else { return openOutcome }
        let best = counts.values.max() ?? 0
        let leaders = options.filter { counts[$0] == best }
        if leaders.count == 1, let winner = leaders.first {
            outcome["winner"] = .string(winner)
        } else {
            outcome["winner"] = .null
            outcome["tie"] = .array(leaders.map(JSONValue.string))
        }
        return .object(outcome)
    }
}
