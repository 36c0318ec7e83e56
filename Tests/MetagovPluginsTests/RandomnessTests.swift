import MetagovCore
import MetagovPlugins
import MetagovTestSupport
import Testing

@Suite struct RandomnessTests {
    private func core(_ clock: ManualClock = ManualClock()) async throws -> Metagov {
        let core = try makeTestCore(BuiltinExtensions.all(), clock: clock)
        _ = try await core.communities.create(slug: "c", readableName: "C")
        _ = try await core.plugins.enable(community: "c", name: "randomness", config: ["default_low": 10, "default_high": 13])
        return core
    }

    @Test func configRequiresBothBounds() async throws {
        let core = try makeTestCore(BuiltinExtensions.all())
        _ = try await core.communities.create(slug: "c", readableName: "C")
        let error = await metagovError { _ = try await core.plugins.enable(community: "c", name: "randomness", config: ["default_low": 1]) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("default_high") == true)
    }

    @Test func initializeSetsTheLuckyNumber() async throws {
        let core = try await core()
        let instance = try await core.plugins.get(community: "c", name: "randomness")
        #expect(try await core.plugins.state(pluginID: instance.id)["lucky_number"] == 4)
        let result = try await core.actions.perform(community: "c", plugin: "randomness", action: "set-lucky-number", parameters: ["lucky_number": 7])
        #expect(result == ["lucky_number": 7])
        #expect(try await core.plugins.state(pluginID: instance.id)["lucky_number"] == 7)
        let invalid = await metagovError {
            _ = try await core.actions.perform(community: "c", plugin: "randomness", action: "set-lucky-number", parameters: ["lucky_number": "seven"])
        }
        #expect(invalid?.message.hasPrefix("Validation error") == true)
        #expect(invalid?.message.contains("/lucky_number") == true)
    }

    @Test func randomIntStaysInHalfOpenRange() async throws {
        let core = try await core()
        var seen = Set<Int>()
        for _ in 0..<60 {
            let value = try await core.actions.perform(community: "c", plugin: "randomness", action: "random-int")["value"]?.intValue
            seen.insert(try #require(value))
        }
        #expect(seen.isSubset(of: [10, 11, 12]))
        #expect(seen.count >= 2)
        for _ in 0..<20 {
            let value = try await core.actions.perform(community: "c", plugin: "randomness", action: "random-int", parameters: ["low": -2, "high": -1])
            #expect(value == ["value": -2])
        }
    }

    @Test(arguments: [(5, 5), (6, 2)])
    func lowNotBelowHighIsInvalidArgument(_ low: Int, _ high: Int) async throws {
        let core = try await core()
        let error = await metagovError {
            _ = try await core.actions.perform(community: "c", plugin: "randomness", action: "random-int", parameters: ["low": .integer(low), "high": .integer(high)])
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message == "low (\(low)) must be less than high (\(high))")
    }

    @Test func delayedStochasticVoteClosesAfterTheDelay() async throws {
        let clock = ManualClock()
        let core = try await core(clock)
        let process = try await core.processes.start(
            community: "c", plugin: "randomness", process: "delayed-stochastic-vote", parameters: ["options": ["a", "b", "c"], "delay": 2])
        #expect(process.status == .pending)
        clock.advance(119)
        _ = try await core.scheduler.tick()
        #expect(try await core.processes.get(process.id).status == .pending)
        clock.advance(1)
        let report = try await core.scheduler.tick()
        #expect(report.processesCompleted == 1)
        let closed = try await core.processes.get(process.id)
        #expect(closed.status == .completed)
        #expect(["a", "b", "c"].contains(closed.outcome?["winner"]?.stringValue ?? ""))
    }

    @Test func delayedStochasticVoteCanBeClosedEarly() async throws {
        let core = try await core()
        let process = try await core.processes.start(
            community: "c", plugin: "randomness", process: "delayed-stochastic-vote", parameters: ["options": ["only"], "delay": 60])
        let closed = try await core.processes.close(process.id)
        #expect(closed.outcome == ["winner": "only"])
        #expect(closed.status == .completed)
        let empty = await metagovError {
            _ = try await core.processes.start(community: "c", plugin: "randomness", process: "delayed-stochastic-vote", parameters: ["options": [], "delay": 1])
        }
        #expect(empty?.code == .invalidArgument)
    }
}
