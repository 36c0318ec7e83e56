import Foundation
import MetagovClient
import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON
import Testing

/// A host that breaks the protocol costs only itself: the gateway ends its stream (or drops or refuses what
/// it sent), fails what it had in flight, and keeps serving everyone else.
@Suite("plugins out of process: hostile and broken hosts")
struct HostileHostTests {
    /// A server with a small message size limit whose plugin hosts are pinged often; they are declared dead
    /// after `pingTimeout` seconds without a pong (the raw hosts answer pings only while the test reads).
    private static func server(pingTimeout: Int = 600) throws -> ServerProcess {
        let server = try ServerProcess()
        try server.start(
            extraArguments: ["--max-message-size", "65536"],
            environment: ["METAGOV_PLUGIN_HOSTS_PING_INTERVAL_SECONDS": "0.2",
                          "METAGOV_PLUGIN_HOSTS_PING_TIMEOUT_SECONDS": String(pingTimeout)])
        return server
    }

    private static func echo(_ client: MetagovClient) async throws -> JSONValue? {
        try await client.actions.performAction(.init(community: "c", plugin: "hostile", action: "echo")).result?.json
    }

    private static func enable(_ client: MetagovClient) async throws {
        _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
        _ = try await client.plugins.enablePlugin(.init(community: "c", name: "hostile"))
    }

    @Test("unknown ids are dropped, a malformed answer fails only its invocation, an oversized one ends the stream")
    func badAnswers() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let client = try await server.client(timeout: remoteCallTimeout)
        let host = RawPluginHost(try await server.rawConnection())
        let registered = try #require(try await host.register())
        #expect(registered.pluginTypes == ["hostile"] && registered.maxResultBytes == 65536)
        try await Self.enable(client)

        let first = Task { try await Self.echo(client) }
        let invocation = try #require(try await host.nextInvocation())
        #expect(invocation.kind == .action && invocation.action == "echo" && invocation.plugin?.instance?.name == "hostile")
        host.send(.result(Metagov_V1_InvocationResult(id: invocation.id + 1000, outcome: .result(.init(json: "stray")))))
        host.send(.result(Metagov_V1_InvocationResult(
            id: invocation.id,
            effects: Metagov_V1_InvocationEffects(linkedAccounts: [.init(platformIdentifier: "x", linkType: "telepathy")]),
            outcome: .result(.init(json: "ok")))))
        let malformed = await status { _ = try await first.value }
        #expect(malformed?.code == .internal)
        #expect(malformed?.message == "plugin host 'raw' sent a malformed answer to invocation \(invocation.id): link_type 'telepathy' is not one of oauth, manual_admin, email_matching, unknown")

        let second = Task { try await Self.echo(client) }
        let next = try #require(try await host.nextInvocation())
        host.send(.result(Metagov_V1_InvocationResult(id: next.id, outcome: .result(.init(json: "fine")))))
        #expect(try await second.value == ["value": "fine"])

        let third = Task { try await Self.echo(client) }
        let last = try #require(try await host.nextInvocation())
        let huge = String(repeating: "x", count: 100_000)
        host.send(.result(Metagov_V1_InvocationResult(id: last.id, outcome: .result(.init(json: .string(huge))))))
        let oversized = await status { _ = try await third.value }
        #expect(oversized?.code == .unavailable)
        let ended = await status { while try await host.next() != nil {} }
        #expect(ended?.code == .resourceExhausted)
        #expect(try await client.health.check(.init()).status == .serving)
        #expect(await status { _ = try await Self.echo(client) }?.code == .unavailable)
        await client.close()
    }

    @Test("garbage bytes, a second Register, Register not first, an unknown protocol version, no type")
    func protocolErrors() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let garbage = RawPluginHost(try await server.rawConnection())
        try await garbage.register()
        garbage.sendBytes([0xff, 0xff, 0xff, 0x01, 0x02])
        let undecodable = await status { while try await garbage.nextInvocation() != nil {} }
        #expect(undecodable?.code == .invalidArgument)

        let twice = RawPluginHost(try await server.rawConnection())
        try await twice.register()
        twice.send(.register(Metagov_V1_Register(protocolVersion: 1, pluginTypes: [RawPluginHost.definition()], maxInFlight: 1)))
        let again = await status { while try await twice.nextInvocation() != nil {} }
        #expect(again == GRPCStatus(.invalidArgument, "Register may only be the first message of a plugin host"))

        let early = RawPluginHost(try await server.rawConnection())
        early.send(.pong(Metagov_V1_Pong(nonce: 1)))
        let notFirst = await status { _ = try await early.next() }
        #expect(notFirst == GRPCStatus(.invalidArgument, "the first message of a plugin host must be Register"))

        let future = RawPluginHost(try await server.rawConnection())
        let version = await status { try await future.register(version: 2) }
        #expect(version == GRPCStatus(.failedPrecondition, "plugin host protocol version 2 is not supported (this gateway speaks version 1)"))

        let empty = RawPluginHost(try await server.rawConnection())
        let none = await status { try await empty.register([]) }
        #expect(none == GRPCStatus(.invalidArgument, "a plugin host must register at least one plugin type"))

        let badSchema = RawPluginHost(try await server.rawConnection())
        var definition = RawPluginHost.definition("broken")
        definition.configSchema = .init(fields: ["type": "no-such-type"])
        let invalid = await status { try await badSchema.register([definition]) }
        #expect(invalid?.code == .invalidArgument && invalid?.message.hasPrefix("invalid config schema of plugin type 'broken'") == true)

        let conflicting = RawPluginHost(try await server.rawConnection())
        let builtIn = await status { try await conflicting.register([RawPluginHost.definition("randomness")]) }
        #expect(builtIn == GRPCStatus(.failedPrecondition, "plugin type 'randomness' is built into this gateway; a plugin host cannot serve it"))
        let client = try await server.client(timeout: remoteCallTimeout)
        #expect(try await client.health.check(.init()).status == .serving)
        await client.close()
    }

    @Test("a host that stops answering pings is dropped (its invocation fails with UNAVAILABLE); one that never registers too")
    func silentHost() async throws {
        // Long enough that a host which does answer is never dropped while this test process is starved by the
        // tests running beside it (the whole suite shares two cores with PostgreSQL and three-gateway clusters).
        let server = try Self.server(pingTimeout: 10)
        defer { server.stop() }
        let client = try await server.client(timeout: remoteCallTimeout)
        // A first host registers the type for enabling, then leaves (half-closes; its call ends once the gateway
        // forgot it, OK, or UNAVAILABLE if enabling outlasted the ping timeout), so the silent host that stays is
        // the only replica.
        let first = RawPluginHost(try await server.rawConnection())
        try await first.register()
        try await Self.enable(client)
        first.finish()
        _ = await status { while try await first.nextInvocation() != nil {} }
        let host = RawPluginHost(try await server.rawConnection())
        try await host.register()
        let call = Task { try await Self.echo(client) }
        // Answers pings until the invocation arrives, then reads everything and answers nothing.
        _ = try #require(try await host.nextInvocation())
        let ended = await status { while try await host.next() != nil {} }
        #expect(ended?.code == .unavailable && ended?.message.contains("did not answer a ping") == true)
        let failed = await status { _ = try await call.value }
        #expect(failed?.code == .unavailable)
        #expect(failed?.message.hasPrefix("plugin host 'raw' went away before answering the action 'echo' invocation") == true)
        let mute = RawPluginHost(try await server.rawConnection())
        let neverRegistered = await status { _ = try await mute.next() }
        #expect(neverRegistered?.code == .deadlineExceeded && neverRegistered?.message.hasPrefix("no Register within") == true)
        await client.close()
    }
}
