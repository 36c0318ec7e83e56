import MetagovCore
import MetagovPlugins
import MetagovTestSupport
import Testing

@Suite struct AuditExtensionTests {
    private func core(_ audit: AuditExtension, raw: [String: String] = [:]) async throws -> Metagov {
        let core = try makeTestCore(BuiltinExtensions.all() + [audit], raw: raw)
        _ = try await core.communities.create(slug: "c", readableName: "C")
        _ = try await core.plugins.enable(community: "c", name: "randomness", config: ["default_low": 1, "default_high": 5])
        return core
    }

    @Test func chainedActionWrapsTheBuiltInAction() async throws {
        let audit = AuditExtension()
        let core = try await core(audit)
        let result = try await core.actions.perform(community: "c", plugin: "randomness", action: "random-int", parameters: ["high": 1])
        #expect(result == ["value": 0, "audited": true])
        #expect(audit.callLog.items == ["audit before", "audit after"])
        let refused = await metagovError {
            _ = try await core.actions.perform(community: "c", plugin: "randomness", action: "random-int", parameters: ["high": 1000])
        }
        #expect(refused?.code == .invalidArgument)
        #expect(refused?.message == "audit: high 1000 exceeds 100")
    }

    @Test func declaredConfigKeyReachesTheExtension() async throws {
        let audit = AuditExtension()
        let core = try await core(audit, raw: ["audit.max_high": "2000"])
        #expect(audit.maxHigh == 2000)
        let ok = try await core.actions.perform(community: "c", plugin: "randomness", action: "random-int", parameters: ["low": 999, "high": 1000])
        #expect(ok["value"] == 999)
        let error = #expect(throws: ConfigError.self) {
            _ = try makeTestCore(BuiltinExtensions.all() + [AuditExtension()], raw: ["audit.max_high": "many"])
        }
        #expect(error?.key == "audit.max_high")
    }

    @Test func addedActionUsesTheNamedValidator() async throws {
        let core = try await core(AuditExtension())
        #expect(try core.plugins.type("randomness").actions.map(\.slug) == ["even-check", "random-int", "set-lucky-number"])
        let ok = try await core.actions.perform(community: "c", plugin: "randomness", action: "even-check", parameters: ["n": 4])
        #expect(ok == ["n": 4, "ok": true])
        let odd = await metagovError {
            _ = try await core.actions.perform(community: "c", plugin: "randomness", action: "even-check", parameters: ["n": 3])
        }
        #expect(odd?.code == .invalidArgument)
        #expect(odd?.message.contains("3 is not even") == true)
        #expect(odd?.message.contains("/n") == true)
    }

    @Test func authFunctionsDecideWithChainsAndAnonymousAccess() async throws {
        let core = try await core(AuditExtension())
        let auth = core.authorization
        let alice = AuthContext(user: "alice", scopes: ["admin"])
        let bob = AuthContext(user: "bob")
        let anonymous = AuthContext()
        // Plain override: only alice.
        try await auth.check("randomness.random-int", context: alice)
        #expect(await metagovError { try await auth.check("randomness.random-int", context: bob) }?.code == .permissionDenied)
        #expect(await metagovError { try await auth.check("randomness.random-int", context: anonymous) }?.code == .unauthenticated)
        // Chained function opens the action to anonymous callers but refuses 13.
        try await auth.check("randomness.set-lucky-number", context: anonymous, data: ["lucky_number": 7])
        let unlucky = await metagovError { try await auth.check("randomness.set-lucky-number", context: bob, data: ["lucky_number": 13]) }
        #expect(unlucky?.code == .permissionDenied)
        #expect(unlucky?.message == "13 is unlucky")
        // Defaults: public actions are open, others need a caller.
        #expect(await auth.isAllowed("randomness.even-check", context: anonymous))
        #expect(await auth.isAllowed("community.create", context: bob))
        #expect(await auth.isAllowed("community.create", context: anonymous) == false)
    }

    @Test func signalsAndModificationsReachTheExtension() async throws {
        let audit = AuditExtension()
        let core = try await core(audit)
        let process = try await core.processes.start(
            community: "c", plugin: "randomness", process: "delayed-stochastic-vote", parameters: ["options": ["x"], "delay": 5])
        _ = try await core.processes.close(process.id)
        #expect(audit.completedProcesses.items == [process.id])
        #expect(audit.newObjects.items == ["community c", "plugin randomness", "process delayed-stochastic-vote"])
    }

    @Test func commandRunsWithTheCore() async throws {
        let audit = AuditExtension()
        let core = try await core(audit)
        let output = Recorder<String>()
        let command = try #require(audit.commands().first)
        let status = try await command.run(["--verbose"], CommandEnvironment(metagov: core, print: { output.append($0) }))
        #expect(status == 0)
        #expect(output.items == ["communities: 1 --verbose"])
    }
}
