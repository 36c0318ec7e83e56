import MetagovClient
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import Testing

@Suite("metagovd serve: identity")
struct IdentityTests {
    @Test("create ids, link, get, filter, linked account, merge, unlink")
    func identity() async throws {
        try await withServer { _, client in
            _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
            let ids = try await client.identity.createId(.init(community: "c", count: 2)).externalIds
            #expect(ids.count == 2)
            let tooMany = await status { _ = try await client.identity.createId(.init(community: "c", count: 5000)) }
            #expect(tooMany?.code == .invalidArgument)
            let linked = try await client.identity.linkAccount(.init(account: .init(
                externalId: ids[0], community: "c", platformType: "discord", platformIdentifier: "ann#1",
                linkType: "oauth", linkQuality: "confirmed_by_user")))
            #expect(linked.linkQuality == "confirmed_by_user")
            _ = try await client.identity.linkAccount(.init(account: .init(
                externalId: ids[1], community: "c", platformType: "slack", platformIdentifier: "U1")))
            let badType = await status {
                _ = try await client.identity.linkAccount(.init(account: .init(
                    externalId: ids[1], community: "c", platformType: "x", platformIdentifier: "y", linkType: "telepathy")))
            }
            #expect(badType?.code == .invalidArgument)
            #expect(badType?.message.contains("account.link_type") == true)
            let duplicate = await status {
                _ = try await client.identity.linkAccount(.init(account: .init(
                    externalId: ids[1], community: "c", platformType: "discord", platformIdentifier: "ann#1")))
            }
            #expect(duplicate?.code == .alreadyExists)
            let user = try await client.identity.getUser(.init(community: "c", externalId: ids[0]))
            #expect(user.linkedAccounts.map(\.platformIdentifier) == ["ann#1"])
            #expect(try await client.identity.getUsers(.init(community: "c", platformType: "slack")).users.map(\.externalId) == [ids[1]])
            let found = try await client.identity.filterUsersByAccount(.init(community: "c", platformType: "discord", platformIdentifier: "ann#1"))
            #expect(found.users.map(\.externalId) == [ids[0]])
            let account = try await client.identity.getLinkedAccount(.init(community: "c", externalId: ids[0], platformType: "discord"))
            #expect(account.platformIdentifier == "ann#1")
            let noAccount = await status {
                _ = try await client.identity.getLinkedAccount(.init(community: "c", externalId: ids[0], platformType: "github"))
            }
            #expect(noAccount?.code == .notFound)
            let merged = try await client.identity.mergeIds(.init(community: "c", primaryId: ids[0], secondaryId: ids[1]))
            #expect(Set(merged.linkedAccounts.map(\.platformType)) == ["discord", "slack"])
            _ = try await client.identity.unlinkAccount(.init(community: "c", platformType: "slack", platformIdentifier: "U1"))
            let after = try await client.identity.getUser(.init(community: "c", externalId: ids[0]))
            #expect(after.linkedAccounts.map(\.platformType) == ["discord"])
            let missingUser = await status { _ = try await client.identity.getUser(.init(community: "c", externalId: 12345)) }
            #expect(missingUser?.code == .notFound)
        }
    }
}
