import Foundation
import MetagovClient
import MetagovGRPC
import MetagovProto
import Testing

@Suite("MetagovClient: reconnection and call options")
struct ClientConnectionTests {
    @Test("after the server restarts, the same client reconnects on its next call; while it is down, calls fail UNAVAILABLE")
    func reconnects() async throws {
        let server = try ServerProcess()
        try server.start()
        let port = server.port
        let client = try await server.client()
        _ = try await client.communities.createCommunity(.init(slug: "kept", readableName: "Kept"))
        #expect(server.stop() == 0)

        let down = await status { _ = try await client.communities.getCommunity(.init(slug: "kept")) }
        #expect(down?.code == .unavailable)

        try server.start(port: port)
        defer { server.stop() }
        let again = try await client.communities.getCommunity(.init(slug: "kept"))
        #expect(again.readableName == "Kept")
        #expect(client.connection.isConnected)
        await client.close()
    }

    @Test("a call's own options are merged over the client's: a call given only a timeout keeps the token")
    func optionsMerge() async throws {
        let server = try ServerProcess()
        try server.start(authentication: true)
        defer { server.stop() }
        let client = try await server.client(token: try server.adminToken())
        var onlyTimeout = GRPCCallOptions()
        onlyTimeout.timeout = .seconds(30)
        _ = try await client.communities.createCommunity(.init(slug: "m", readableName: "M"), options: onlyTimeout)
        var otherMetadata = GRPCCallOptions()
        otherMetadata.metadata.add("x-request-id", "abc")
        let listed = try await client.communities.listCommunities(.init(), options: otherMetadata)
        #expect(listed.communities.map(\.slug) == ["m"])
        // A call that brings its own authorization replaces the default one.
        var badToken = GRPCCallOptions()
        badToken.metadata.add("authorization", "Bearer not-a-token")
        let refused = await status { _ = try await client.communities.listCommunities(.init(), options: badToken) }
        #expect(refused?.code == .unauthenticated)
        await client.close()
    }
}
