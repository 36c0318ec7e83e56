import MetagovCore

/// Counting the ballots of a poll vote.
struct Tally {
    /// Options in the order the vote was started with.
    var options: [String]
    /// The option each voter chose.
    var ballots: [String: String]

    init(options: [String], ballots: [String: String]) {
        self.options = options
        self.ballots = ballots
    }

    /// Reads the tally from a process's state.
    init(_ process: ProcessHandle) {
        options = process.state("options")?.arrayValue?.compactMap(\.stringValue) ?? []
        ballots = (process.state("ballots")?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    /// Writes the ballots back into the process's state.
    func save(to process: ProcessHandle) {
        process.setState("ballots", .object(ballots.mapValues(JSONValue.string)))
    }

    var counts: [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: options.map { ($0, 0) })
        for option in ballots.values { counts[option, default: 0] += 1 }
        return counts
    }

    /// The outcome while the vote is open: `{votes: {option: count}, voter_count}`.
    var openOutcome: JSONValue {
        ["votes": .object(counts.mapValues { .integer($0) }), "voter_count": .integer(ballots.count)]
    }

    /// The final outcome: the open outcome plus `winner`, or `tie` listing the options sharing the lead.
    var closedOutcome: JSONValue {
        guard case .object(var outcome) = openOutcome else { return openOutcome }
        let counts = self.counts
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
