import Foundation
import MetagovClient
import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON
import Testing

/// Failures around real Python plugin hosts: plugin errors, hosts dying, restarting or slow, the gateway
/// restarting, a burst of conflicting writes, refused registrations.
@Suite("plugins out of process: failures")
struct RemotePluginFailureTests {
    private static func perform(
        _ client: MetagovClient, _ plugin: String, _ action: String, _ parameters: JSONObject = [:]
    ) async throws -> JSONValue? {
        try await client.actions.performAction(.init(
            community: "c", plugin: plugin, action: action, parameters: .init(fields: parameters))).result?.json
    }

    private static func community(_ client: MetagovClient, enabling plugins: [(String, JSONObject)]) async throws {
        _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
        for (name, config) in plugins {
            _ = try await client.plugins.enablePlugin(.init(community: "c", name: name, config: .init(fields: config)))
        }
    }

    @Test("a plugin's errors reach the caller with their code, message and reason; nothing of the hook is kept")
    func pluginErrors() async throws {
        try await withRemoteServer { server, client in
            let host = try PluginHostProcess(port: server.port, plugins: [PluginHostProcess.testPlugins])
            defer { host.stop() }
            try await host.waitRegistered()
            try await Self.community(client, enabling: [("ledger", ["book": "b"])])
            let cases: [(String, GRPCStatus)] = [
                ("auth", GRPCStatus(.permissionDenied, "This book is closed to new entries. (reason: ledger_book_closed)")),
                ("internal", GRPCStatus(.internal, "plugin 'ledger' failed: the ledger server is down")),
                ("validation", GRPCStatus(.invalidArgument, "Validation error at /amount: 12 is not of type 'string'")),
                ("anything else", GRPCStatus(.internal, "plugin 'ledger' failed: KeyError: 'missing'")),
            ]
            for (how, expected) in cases {
                #expect(await status { _ = try await Self.perform(client, "ledger", "fail", ["how": .string(how)]) } == expected)
            }
            // Each failing call wrote `last_failure` before failing: `forget` shows nothing was kept.
            #expect(try await Self.perform(client, "ledger", "forget") == ["had_entries": false, "had_total": false])
            let record = try await Self.perform(client, "ledger", "record", ["amount": "2.50"])
            #expect(record == ["count": 1, "total": "2.50"])
        }
    }

    @Test("a host killed mid-invocation: UNAVAILABLE, nothing applied; a restarted host finds the state intact")
    func hostKilledAndRestarted() async throws {
        try await withRemoteServer { server, client in
            let forum = ForumStandIn()
            try forum.start()
            defer { forum.stop() }
            var host = try PluginHostProcess(port: server.port, plugins: [PluginHostProcess.testPlugins])
            try await host.waitRegistered()
            try await Self.community(client, enabling: [
                ("townhall", ["api_url": .string(forum.url), "api_key": .string(ForumStandIn.apiKey), "forum_id": "f", "webhook_secret": "s"]),
                ("ledger", ["book": "b"]),
            ])
            #expect(try await Self.perform(client, "ledger", "record", ["amount": "1"]) == ["count": 1, "total": "1"])

            forum.holdPosts()
            let post = Task { try await Self.perform(client, "townhall", "post-message", ["text": "lost"]) }
            #expect(await eventually(timeout: remoteCallTimeout) { forum.heldPosts == 1 })
            host.kill()
            let killed = await status { _ = try await post.value }
            #expect(killed?.code == .unavailable)
            #expect(killed?.message.contains("went away before answering the action 'post-message' invocation of plugin type 'townhall'; nothing of it was applied") == true)
            forum.release()

            host = try PluginHostProcess(port: server.port, plugins: [PluginHostProcess.testPlugins])
            defer { host.stop() }
            try await host.waitRegistered()
            // The post that never completed left nothing in the plugin's state; the ledger kept its entry.
            let posted = try await Self.perform(client, "townhall", "post-message", ["text": "again"])
            #expect(posted?["id"] != nil)
            #expect(try await Self.perform(client, "ledger", "record", ["amount": "2"]) == ["count": 2, "total": "3"])
        }
    }

    @Test("the gateway restarts: hosts reconnect on their own and calls succeed, state intact")
    func gatewayRestarted() async throws {
        let server = try ServerProcess()
        try server.start()
        let port = server.port
        let host = try PluginHostProcess(port: port, plugins: [PluginHostProcess.testPlugins])
        defer { host.stop() }
        try await host.waitRegistered()
        var client = try await server.client(timeout: remoteCallTimeout)
        try await Self.community(client, enabling: [("ledger", ["book": "b"])])
        #expect(try await Self.perform(client, "ledger", "record", ["amount": "5"]) == ["count": 1, "total": "5"])
        await client.close()
        #expect(server.stop() == 0)

        try server.start(port: port)
        defer { server.stop() }
        try await host.waitRegistered(2)
        client = try await server.client(timeout: remoteCallTimeout)
        #expect(try await Self.perform(client, "ledger", "record", ["amount": "6"]) == ["count": 2, "total": "11"])
        await client.close()
    }

    @Test("a slow host: DEADLINE_EXCEEDED, and its late answer is dropped")
    func slowHost() async throws {
        let server = try ServerProcess()
        try server.start(environment: ["METAGOV_PLUGIN_HOSTS_INVOCATION_TIMEOUT_SECONDS": "1"])
        defer { server.stop() }
        let client = try await server.client(timeout: remoteCallTimeout)
        let host = try PluginHostProcess(port: server.port, plugins: [PluginHostProcess.gatewayTestPlugins])
        defer { host.stop() }
        try await host.waitRegistered()
        try await Self.community(client, enabling: [("slowpoke", [:])])
        let slow = await status { _ = try await Self.perform(client, "slowpoke", "nap", ["seconds": 3]) }
        #expect(slow?.code == .deadlineExceeded)
        #expect(slow?.message.hasSuffix("did not answer the action 'nap' invocation of plugin type 'slowpoke' within 1.0 s; nothing of it was applied") == true)
        // Once the nap is over, its answer (napped: 3) arrives late and is dropped.
        try await Task.sleep(for: .seconds(3))
        #expect(try await Self.perform(client, "slowpoke", "peek") == ["napped": nil])
        #expect(try await Self.perform(client, "slowpoke", "nap", ["seconds": 0]) == ["napped": 0])
        #expect(try await Self.perform(client, "slowpoke", "peek") == ["napped": 0])
        await client.close()
    }

    @Test("100 concurrent conflicting actions on one remote instance: every one applied exactly once")
    func concurrentConflicts() async throws {
        try await withRemoteServer { server, client in
            let plugins = try PluginHostProcess.directory(linking: ["tally"], from: PluginHostProcess.examplePlugins)
            defer { try? FileManager.default.removeItem(atPath: plugins) }
            let host = try PluginHostProcess(port: server.port, plugins: [plugins])
            defer { host.stop() }
            try await host.waitRegistered()
            try await Self.community(client, enabling: [("tally", ["secret": "s"])])
            let values = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<100 {
                    group.addTask { try await Self.perform(client, "tally", "bump")?["value"]?.intValue ?? -1 }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(values.sorted() == Array(1...100))
            var events = client.events.subscribe(.init(community: "c")).makeAsyncIterator()
            var seen: [Int] = []
            while seen.count < 100, let event = try await events.next() { seen.append(event.data?.json["value"]?.intValue ?? -1) }
            #expect(seen == Array(1...100))
        }
    }

    @Test("registrations refused: a type built into the gateway, tokens of other scopes or for other types; the host exits 1; a plugin-host token may do nothing else")
    func refusedRegistrations() async throws {
        let server = try ServerProcess()
        try server.start(authentication: true)
        defer { server.stop() }
        let hostToken = try createToken(server, scope: "plugin-host")
        let hostClient = try await server.client(token: hostToken, timeout: remoteCallTimeout)
        let denied = GRPCStatus(.permissionDenied, "a token of scope plugin-host may only call /metagov.v1.PluginHost/Connect")
        #expect(await status { _ = try await hostClient.communities.listCommunities(.init()) } == denied)
        #expect(await status {
            _ = try await hostClient.actions.performAction(.init(community: "c", plugin: "randomness", action: "random-int"))
        } == denied)
        await hostClient.close()
        let builtIn = try PluginHostProcess(port: server.port, token: hostToken, plugins: [PluginHostProcess.examplePlugins])
        #expect(await builtIn.waitForExit() == 1)
        #expect(builtIn.log.contains("FAILED_PRECONDITION: plugin type 'randomness' is built into this gateway; a plugin host cannot serve it"))
        let limited = try PluginHostProcess(
            port: server.port, token: try createToken(server, scope: "plugin-host:ledger"), plugins: [PluginHostProcess.testPlugins])
        #expect(await limited.waitForExit() == 1)
        #expect(limited.log.contains("PERMISSION_DENIED: this token may not serve plugin type 'townhall' (it may serve: ledger)"))
        let admin = try PluginHostProcess(port: server.port, token: try server.adminToken(), plugins: [PluginHostProcess.testPlugins])
        #expect(await admin.waitForExit() == 1)
        #expect(admin.log.contains("PERMISSION_DENIED: only a token of scope plugin-host may connect a plugin host"))
        let anonymous = try PluginHostProcess(port: server.port, plugins: [PluginHostProcess.testPlugins])
        #expect(await anonymous.waitForExit() == 1)
        #expect(anonymous.log.contains("UNAUTHENTICATED: a plugin host needs a token of scope plugin-host"))
    }
}
