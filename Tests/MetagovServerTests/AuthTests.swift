import Foundation
import MetagovClient
import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON
import Testing

@Suite("metagovd serve: authentication and authorisation")
struct AuthTests {
    @Test("secure by default: first start writes an owner-only admin token; no token or a bad one is UNAUTHENTICATED")
    func secureByDefault() async throws {
        let server = try ServerProcess()
        try server.start(authentication: true)
        defer { server.stop() }
        let attributes = try FileManager.default.attributesOfItem(atPath: server.adminTokenPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let admin = try server.adminToken()
        #expect(admin.hasPrefix("mgv_"))

        let anonymous = try await server.client()
        let noToken = await status { _ = try await anonymous.communities.listCommunities(.init()) }
        #expect(noToken?.code == .unauthenticated)
        let forged = try await server.client(token: admin + "x")
        #expect(await status { _ = try await forged.communities.listCommunities(.init()) }?.code == .unauthenticated)
        // An empty token sends none; a token read with its newline still works.
        let empty = try await server.client(token: "")
        #expect(await status { _ = try await empty.communities.listCommunities(.init()) }?.code == .unauthenticated)
        await empty.close()
        let fromFile = try await server.client(token: admin + "\n")
        _ = try await fromFile.communities.listCommunities(.init())
        await fromFile.close()
        let garbage = try await server.client(token: "hello")
        #expect(await status { _ = try await garbage.plugins.listPluginTypes(.init()) }?.code == .unauthenticated)
        // Health and reflection need no token.
        #expect(try await anonymous.health.check(.init()).status == .serving)

        let client = try await server.client(token: admin)
        _ = try await client.communities.createCommunity(.init(slug: "a", readableName: "A"))
        _ = try await client.plugins.enablePlugin(.init(
            community: "a", name: "randomness", config: .init(fields: ["default_low": .init(json: 0), "default_high": .init(json: 9)])))
        // A public action needs no token; a non-public one does.
        let random = try await anonymous.actions.performAction(.init(community: "a", plugin: "randomness", action: "random-int"))
        #expect(random.result?.json["value"]?.intValue != nil)
        let lucky = await status {
            _ = try await anonymous.actions.performAction(.init(
                community: "a", plugin: "randomness", action: "set-lucky-number",
                parameters: .init(fields: ["lucky_number": .init(json: 3)])))
        }
        #expect(lucky?.code == .unauthenticated)
        for c in [anonymous, forged, garbage, client] { await c.close() }
        // A restart does not write a second token.
        #expect(server.stop() == 0)
        try server.start(authentication: true)
        #expect(try server.adminToken() == admin)
        let again = try await server.client(token: admin)
        #expect(try await again.communities.getCommunity(.init(slug: "a")).slug == "a")
        await again.close()
    }

    @Test("a community token acts only on its community: others are NOT_FOUND, server-wide calls PERMISSION_DENIED")
    func communityScope() async throws {
        let server = try ServerProcess()
        try server.start(authentication: true)
        defer { server.stop() }
        let admin = try await server.client(token: try server.adminToken())
        for slug in ["a", "b"] {
            _ = try await admin.communities.createCommunity(.init(slug: slug, readableName: slug))
            _ = try await admin.plugins.enablePlugin(.init(community: slug, name: "poll"))
        }
        let created = try JSONValue(parsing: try server.admin(["token", "create", "--scope", "community:a", "--name", "a-driver"]))
        let token = try #require(created["token"]?.stringValue)
        let scoped = try await server.client(token: token)

        #expect(try await scoped.communities.getCommunity(.init(slug: "a")).slug == "a")
        let other = await status { _ = try await scoped.communities.getCommunity(.init(slug: "b")) }
        #expect(other?.code == .notFound)
        #expect(other?.message == "community 'b' not found")
        #expect(await status { _ = try await scoped.communities.createCommunity(.init(slug: "c", readableName: "c")) }?.code == .permissionDenied)
        #expect(try await scoped.communities.listCommunities(.init()).communities.map(\.slug) == ["a"])
        #expect(await status { _ = try await scoped.plugins.listPlugins(.init(community: "b")) }?.code == .notFound)

        let voteB = try await admin.processes.startProcess(.init(
            community: "b", plugin: "poll", process: "vote",
            parameters: .init(fields: ["title": .init(json: "T"), "options": .init(json: ["x", "y"])])))
        #expect(await status { _ = try await scoped.processes.getProcess(.init(id: voteB.id)) }?.code == .notFound)
        #expect(await status { _ = try await scoped.processes.closeProcess(.init(id: voteB.id)) }?.code == .notFound)
        let voteA = try await scoped.processes.startProcess(.init(
            community: "a", plugin: "poll", process: "vote",
            parameters: .init(fields: ["title": .init(json: "T"), "options": .init(json: ["x", "y"])])))
        #expect(try await scoped.processes.listProcesses(.init()).processes.map(\.id) == [voteA.id])

        // Its event stream only carries its community's events.
        for (process, community) in [(voteB.id, "b"), (voteA.id, "a"), (voteB.id, "b")] {
            _ = try await admin.actions.performAction(.init(
                community: community, plugin: "poll", action: "cast-vote",
                parameters: .init(fields: ["process_id": .init(json: .integer(Int(process))), "voter": .init(json: .string("v\(Int.random(in: 0...1_000_000))")), "option": .init(json: "x")])))
        }
        var stream = scoped.events.subscribe(.init()).makeAsyncIterator()
        let only = try #require(try await stream.next())
        #expect(only.community == "a")
        var options = GRPCCallOptions()
        options.timeout = .milliseconds(300)
        options.metadata.add("authorization", "Bearer \(token)")
        let more = await status { for try await event in scoped.events.subscribe(.init(afterCursor: only.cursor), options: options) { Issue.record("unexpected \(event)") } }
        #expect(more?.code == .deadlineExceeded)
        #expect(await status { for try await _ in scoped.events.subscribe(.init(community: "b")) {} }?.code == .notFound)

        // Revoked: UNAUTHENTICATED at once.
        _ = try server.admin(["token", "revoke", "a-driver"])
        #expect(await status { _ = try await scoped.communities.getCommunity(.init(slug: "a")) }?.code == .unauthenticated)
        await scoped.close()
        await admin.close()
    }

    @Test("expired tokens stop working")
    func expiry() async throws {
        let server = try ServerProcess()
        try server.start(authentication: true)
        defer { server.stop() }
        let lasting = try JSONValue(parsing: try server.admin(["token", "create", "--scope", "admin", "--expires", "1h"]))
        let expiring = try JSONValue(parsing: try server.admin(["token", "create", "--scope", "admin", "--expires", "2s"]))
        let valid = try await server.client(token: try #require(lasting["token"]?.stringValue))
        let client = try await server.client(token: try #require(expiring["token"]?.stringValue))
        // Once its expiry has passed, the short-lived token is refused; the other one still works.
        var refused = false
        let deadline = ContinuousClock.now + .seconds(60)
        while !refused && ContinuousClock.now < deadline {
            refused = await status { _ = try await client.plugins.listPluginTypes(.init()) }?.code == .unauthenticated
            if !refused { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(refused)
        _ = try await valid.plugins.listPluginTypes(.init())
        await client.close()
        await valid.close()
    }
}
