import MetagovCore

/// Where a poll vote keeps its voters: one process entry per ballot (`ballot:VOTER` → option) and, when the vote
/// is limited to eligible voters, one per eligible voter (`eligible:VOTER` → true). A vote reads and writes only
/// its voter's entries, whatever the number of ballots.
enum Ballots {
    static func ballotKey(_ voter: String) -> String { "ballot:\(voter)" }
    static func eligibleKey(_ voter: String) -> String { "eligible:\(voter)" }

    /// Records `voters` as the only eligible ones.
    static func restrict(_ process: ProcessHandle, to voters: [String]) {
        for voter in voters { process.setEntry(eligibleKey(voter), true) }
        process.setState(PollVote.restrictedKey, true)
    }

    /// Whether `voter` may vote.
    static func isEligible(_ voter: String, in process: ProcessHandle) async throws -> Bool {
        guard process.state(PollVote.restrictedKey)?.boolValue == true else { return true }
        return try await process.entry(eligibleKey(voter)) != nil
    }

    /// The option `voter` voted for, if any.
    static func ballot(of voter: String, in process: ProcessHandle) async throws -> String? {
        try await process.entry(ballotKey(voter))?.stringValue
    }

    /// Records `voter`'s ballot.
    static func cast(_ option: String, by voter: String, in process: ProcessHandle) {
        process.setEntry(ballotKey(voter), .string(option))
    }

    /// Moves the ballots and eligible voters a vote started before keyed entries kept in its state into entries,
    /// once (on its first vote after the upgrade).
    static func upgradeLegacyState(_ process: ProcessHandle) {
        if let ballots = process.state("ballots")?.objectValue {
            for (voter, option) in ballots { process.setEntry(ballotKey(voter), option) }
            process.setState("ballots", nil)
        }
        if let eligible = process.state("eligible_voters")?.arrayValue {
            restrict(process, to: eligible.compactMap(\.stringValue))
            process.setState("eligible_voters", nil)
        }
    }
}
