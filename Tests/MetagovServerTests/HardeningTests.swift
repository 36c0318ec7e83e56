import Foundation
import MetagovClient
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON
import Testing

@Suite("metagovd serve: hardening")
struct HardeningTests {
    @Test("deliveries to loopback and link-local addresses are refused unless allowed, checked at send time")
    func deliveriesRefuseNonPublicDestinations() async throws {
        let receiver = WebhookReceiver()
        try receiver.start()
        defer { receiver.stop() }
        let server = try ServerProcess()
        try server.start(
            extraArguments: try server.configFile([
                "metagov.delivery.base_delay_seconds": "0.05", "metagov.delivery.max_delay_seconds": "0.1",
                "metagov.delivery.max_attempts": "2",
            ]), loopbackDeliveries: false)
        defer { server.stop() }
        let client = try await server.client()
        _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
        _ = try await client.plugins.enablePlugin(.init(community: "c", name: "poll"))
        let loopback = try await client.events.createWebhook(.init(community: "c", url: receiver.url))
        let metadata = try await client.events.createWebhook(.init(community: "c", url: "http://169.254.169.254/latest/meta-data/"))
        _ = try await client.processes.startProcess(.init(
            community: "c", plugin: "poll", process: "vote",
            parameters: .init(fields: ["title": .init(json: "T"), "options": .init(json: ["x", "y"])])))
        _ = try await client.actions.performAction(.init(community: "c", plugin: "poll", action: "cast-vote",
            parameters: .init(fields: ["process_id": .init(json: 1), "voter": .init(json: "v"), "option": .init(json: "x")])))
        var failed: [Metagov_V1_Delivery] = []
        for _ in 0..<600 where failed.count < 2 {
            failed = try await client.events.listDeliveries(.init(status: .failed, community: "c")).deliveries
            if failed.count < 2 { try await Task.sleep(for: .milliseconds(50)) }
        }
        let byWebhook = Dictionary(grouping: failed, by: \.webhookId)
        #expect(byWebhook[loopback.id]?.first?.lastError.contains("loopback") == true)
        #expect(byWebhook[metadata.id]?.first?.lastError.contains("link-local") == true)
        #expect(receiver.received.isEmpty)
        await client.close()
    }

    @Test("health and reflection need no token, but refuse a bad one (UNAUTHENTICATED)")
    func badTokenOnStandardServices() async throws {
        let server = try ServerProcess()
        try server.start(authentication: true)
        defer { server.stop() }
        let anonymous = try await server.client()
        #expect(try await anonymous.health.check(.init()).status == .serving)
        let forged = try await server.client(token: "mgv_1_forged")
        #expect(await status { _ = try await forged.health.check(.init()) }?.code == .unauthenticated)
        #expect(await status { for try await _ in forged.health.watch(.init()) { break } }?.code == .unauthenticated)
        var options = GRPCCallOptions()
        options.metadata.add("authorization", "Bearer mgv_1_forged")
        let raw = try await server.rawConnection()
        let reflection = Grpc_Reflection_V1_ServerReflectionClient(connection: raw)
        let refused = await status {
            for try await _ in reflection.serverReflectionInfo(options: options, requests: { try await $0.write(.init(messageRequest: .listServices(""))) }) {}
        }
        #expect(refused?.code == .unauthenticated)
        let admin = try await server.client(token: try server.adminToken())
        #expect(try await admin.health.check(.init()).status == .serving)
        await raw.close()
        await admin.close()
        await forged.close()
        await anonymous.close()
    }

    @Test("a new database file is created readable by its owner only, and so are its WAL files")
    func databaseMode() async throws {
        let server = try ServerProcess()
        try server.start()
        let client = try await server.client()
        _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
        for path in [server.database, server.database + "-wal", server.database + "-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(path)")
        }
        await client.close()
        server.stop()
    }

    @Test("--max-message-size must stay below 4 GiB")
    func maxMessageSizeCeiling() throws {
        let server = try ServerProcess()
        #expect(throws: (any Error).self) { try server.start(extraArguments: ["--max-message-size", "4294967296"]) }
    }
}
