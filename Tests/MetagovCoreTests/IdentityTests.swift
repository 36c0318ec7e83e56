import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct IdentityTests {
    private func account(_ id: Int64, _ identifier: String, platform: String = "slack", quality: LinkQuality = .unknown) -> LinkedAccount {
        LinkedAccount(
            externalID: id, community: "c", platformType: platform, platformIdentifier: identifier,
            communityPlatformID: nil, customData: ["name": .string(identifier)], linkType: .manualAdmin, linkQuality: quality)
    }

    private func core() async throws -> Metagov {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        return core
    }

    @Test func createsDistinctPositiveIDs() async throws {
        let core = try await core()
        let ids = try await core.identity.createIDs(community: "c", count: 50)
        #expect(Set(ids).count == 50)
        #expect(ids.allSatisfy { $0 > 0 && $0 < 1 << 53 })
        #expect(try await core.identity.getUsers(community: "c").count == 50)
        await #expect(throws: MetagovError.self) { _ = try await core.identity.createIDs(community: "c", count: 0) }
        await #expect(throws: MetagovError.self) { _ = try await core.identity.createIDs(community: "nope") }
    }

    @Test func linkGetAndUnlink() async throws {
        let core = try await core()
        let id = try #require(try await core.identity.createIDs(community: "c").first)
        try await core.identity.linkAccount(account(id, "U1"))
        try await core.identity.linkAccount(account(id, "gh1", platform: "github"))
        let user = try await core.identity.getUser(community: "c", externalID: id)
        #expect(user.externalID == id)
        #expect(Set(user.linkedAccounts.map(\.platformIdentifier)) == ["U1", "gh1"])
        #expect(try await core.identity.getLinkedAccount(community: "c", externalID: id, platformType: "github").platformIdentifier == "gh1")
        try await core.identity.unlinkAccount(community: "c", platformType: "github", platformIdentifier: "gh1")
        #expect(await metagovError { _ = try await core.identity.getLinkedAccount(community: "c", externalID: id, platformType: "github") }?.code == .notFound)
        #expect(await metagovError { try await core.identity.unlinkAccount(community: "c", platformType: "github", platformIdentifier: "gh1") }?.code == .notFound)
        #expect(await metagovError { _ = try await core.identity.getUser(community: "c", externalID: 42) }?.message == "metagov id 42 in community 'c' not found")
    }

    @Test func higherQualityLinkReplacesLowerOne() async throws {
        let core = try await core()
        let ids = try await core.identity.createIDs(community: "c", count: 2)
        try await core.identity.linkAccount(account(ids[0], "U1", quality: .unconfirmed))
        let same = await metagovError { try await core.identity.linkAccount(account(ids[1], "U1", quality: .unconfirmed)) }
        #expect(same?.code == .alreadyExists)
        try await core.identity.linkAccount(account(ids[1], "U1", quality: .strongConfirm))
        #expect(try await core.identity.getUser(community: "c", externalID: ids[0]).linkedAccounts.isEmpty)
        #expect(try await core.identity.getUser(community: "c", externalID: ids[1]).linkedAccounts.map(\.linkQuality) == [.strongConfirm])
    }

    @Test func mergeLeavesExactlyOnePrimary() async throws {
        let core = try await core()
        let ids = try await core.identity.createIDs(community: "c", count: 3)
        try await core.identity.linkAccount(account(ids[0], "U0"))
        try await core.identity.linkAccount(account(ids[1], "U1"))
        try await core.identity.linkAccount(account(ids[2], "U2"))
        _ = try await core.identity.mergeIDs(community: "c", primaryID: ids[1], secondaryID: ids[2])
        let merged = try await core.identity.mergeIDs(community: "c", primaryID: ids[0], secondaryID: ids[2])
        #expect(merged.externalID == ids[0])
        #expect(Set(merged.linkedAccounts.map(\.platformIdentifier)) == ["U0", "U1", "U2"])
        for id in ids { #expect(try await core.identity.getUser(community: "c", externalID: id).externalID == ids[0]) }
        #expect(try await core.identity.getUsers(community: "c").map(\.externalID) == [ids[0]])
    }

    @Test func filterUsersByAccount() async throws {
        let core = try await core()
        let ids = try await core.identity.createIDs(community: "c", count: 2)
        try await core.identity.linkAccount(account(ids[0], "U0"))
        try await core.identity.linkAccount(account(ids[1], "gh1", platform: "github"))
        let slack = try await core.identity.filterUsersByAccount(AccountFilter(community: "c", platformType: "slack"))
        #expect(slack.map(\.externalID) == [ids[0]])
        let byIdentifier = try await core.identity.filterUsersByAccount(AccountFilter(community: "c", platformIdentifier: "gh1"))
        #expect(byIdentifier.map(\.externalID) == [ids[1]])
        #expect(try await core.identity.getUsers(community: "c", platformType: "github").map(\.externalID) == [ids[1]])
    }
}
