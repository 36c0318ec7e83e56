import Foundation
import MetagovClient
import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON
import Testing

/// The same plugin logic built in (Swift, `randomness` of MetagovPlugins) and out of process (the example
/// `randomness` written as a Metagov plugin in Python): a driver gets the same answers from both.
@Suite("plugins out of process: the same plugin in process and remote gives the same API results")
struct InProcessVersusRemoteTests {
    /// What a driver sees along one session with `randomness`, with what differs by nature (timestamps, the
    /// random winner is fixed by a single option) left out.
    private static func session(_ client: MetagovClient) async throws -> [String] {
        var seen: [String] = []
        func record(_ what: String, _ body: () async throws -> String) async {
            do { seen.append("\(what): \(try await body())") } catch { seen.append("\(what): \(error)") }
        }
        func text(_ message: some JSONRepresentableMessage) -> String { message.json.serialized() }
        func perform(_ action: String, _ parameters: JSONObject) async throws -> String {
            text(try await client.actions.performAction(.init(
                community: "c", plugin: "randomness", action: action, parameters: .init(fields: parameters))))
        }
        func process(_ process: Metagov_V1_GovernanceProcess) -> String {
            var process = process
            process.createdAt = nil
            process.updatedAt = nil
            return text(process)
        }
        _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
        await record("type") {
            text(try #require(try await client.plugins.listPluginTypes(.init()).types.first { $0.name == "randomness" }))
        }
        await record("invalid config") {
            text(try await client.plugins.enablePlugin(.init(community: "c", name: "randomness", config: .init(fields: ["default_low": 1]))))
        }
        await record("enable") {
            var instance = try await client.plugins.enablePlugin(.init(
                community: "c", name: "randomness", config: .init(fields: ["default_low": 1, "default_high": 2])))
            instance.createdAt = nil
            instance.updatedAt = nil
            return text(instance)
        }
        await record("lucky") { try await perform("set-lucky-number", ["lucky_number": 7]) }
        await record("lucky, not a number") { try await perform("set-lucky-number", ["lucky_number": "seven"]) }
        await record("default bounds") { try await perform("random-int", [:]) }
        await record("given bounds") { try await perform("random-int", ["low": 41, "high": 42]) }
        await record("empty range") { try await perform("random-int", ["low": 5, "high": 5]) }
        await record("unknown action") { try await perform("random-float", [:]) }
        await record("invalid start") {
            text(try await client.processes.startProcess(.init(community: "c", plugin: "randomness", process: "delayed-stochastic-vote")))
        }
        let started = try await client.processes.startProcess(.init(
            community: "c", plugin: "randomness", process: "delayed-stochastic-vote",
            parameters: .init(fields: ["options": ["only"], "delay": 0])))
        seen.append("start: \(process(started))")
        var completed = started
        _ = try await eventually(timeout: remoteCallTimeout) {
            completed = try await client.processes.getProcess(.init(id: started.id))
            return completed.status == .completed
        }
        seen.append("completed by the scheduler: \(process(completed))")
        await record("close a completed vote") { text(try await client.processes.closeProcess(.init(id: started.id))) }
        let second = try await client.processes.startProcess(.init(
            community: "c", plugin: "randomness", process: "delayed-stochastic-vote",
            parameters: .init(fields: ["options": ["sole"], "delay": 60])))
        await record("closed by a driver") { process(try await client.processes.closeProcess(.init(id: second.id))) }
        return seen
    }

    @Test func builtInAndRemoteRandomnessAnswerAlike() async throws {
        let builtIn = try ServerProcess()
        try builtIn.start()
        defer { builtIn.stop() }
        let remote = try ServerProcess()
        try remote.start(environment: ["METAGOV_PLUGINS": "poll inbound"])
        defer { remote.stop() }
        let host = try PluginHostProcess(port: remote.port, plugins: [PluginHostProcess.examplePlugins])
        defer { host.stop() }
        try await host.waitRegistered()

        let inProcessClient = try await builtIn.client(timeout: remoteCallTimeout)
        let inProcess = try await Self.session(inProcessClient)
        await inProcessClient.close()
        let remoteClient = try await remote.client(timeout: remoteCallTimeout)
        let outOfProcess = try await Self.session(remoteClient)
        await remoteClient.close()
        #expect(inProcess.count == 14)
        for (mine, theirs) in zip(inProcess, outOfProcess) { #expect(mine == theirs) }
        #expect(inProcess.contains(#"given bounds: {"result":{"value":41}}"#))
        #expect(inProcess.contains { $0.hasPrefix("completed by the scheduler: ") && $0.contains(#""outcome":{"winner":"only"}"#) })
    }
}
