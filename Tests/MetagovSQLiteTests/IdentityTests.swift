import Foundation
import MetagovCore
import MetagovSQLite
import Testing

@Suite struct IdentityTests {
    @Test func createdIDsAreDistinctPositiveAndJSONSafe() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await Seed(store)
        let ids = try await store.write { try $0.createMetagovIDs(community: "c", count: 500) }
        #expect(ids.count == 500)
        #expect(Set(ids.map(\.externalID)).count == 500)
        #expect(ids.allSatisfy { $0.externalID > 0 && $0.externalID < (1 << 53) && $0.isPrimary && $0.community == "c" })
        for id in ids.prefix(5) { #expect(try await store.read { try $0.metagovID(externalID: id.externalID) } == id) }
        #expect(try await store.read { try $0.primaryMetagovIDs(community: "c") } == ids.sorted { $0.externalID < $1.externalID })
        #expect(try await store.write { try $0.createMetagovIDs(community: "c", count: 0) }.isEmpty)
        await #expect(throws: StoreError.notFound("community 'ghost'")) {
            try await store.write { _ = try $0.createMetagovIDs(community: "ghost", count: 1) }
        }
        #expect(try await store.read { try $0.metagovID(externalID: 12345) } == nil)
    }

    @Test func mergingGroups() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await Seed(store)
        _ = try await Seed(store, slug: "d")
        let ids = try await store.write { try $0.createMetagovIDs(community: "c", count: 4) }.map(\.externalID)
        let elsewhere = try await store.write { try $0.createMetagovIDs(community: "d", count: 1) }[0]
        try await store.write { writer in
            try writer.reassignPrimary(from: ids[1], to: ids[0])
            try writer.reassignPrimary(from: ids[2], to: ids[0])
        }
        try await store.read { reader throws in
            #expect(try reader.metagovIDs(primaryExternalID: ids[0]).map(\.externalID) == [ids[0], ids[1], ids[2]].sorted())
            #expect(try reader.metagovID(externalID: ids[1])?.primaryExternalID == ids[0])
            #expect(try reader.metagovID(externalID: ids[1])?.isPrimary == false)
            #expect(try reader.primaryMetagovIDs(community: "c").map(\.externalID) == [ids[0], ids[3]].sorted())
            #expect(try reader.primaryMetagovIDs(community: "d") == [elsewhere])
            #expect(try reader.metagovIDs(primaryExternalID: ids[1]).isEmpty)
        }
        // Moving the whole group under another primary.
        try await store.write { try $0.reassignPrimary(from: ids[0], to: ids[3]) }
        #expect(try await store.read { try $0.metagovIDs(primaryExternalID: ids[3]) }.count == 4)
        #expect(try await store.read { try $0.primaryMetagovIDs(community: "c") }.map(\.externalID) == [ids[3]])
        await #expect(throws: StoreError.notFound("metagov id 77")) { try await store.write { try $0.reassignPrimary(from: ids[3], to: 77) } }
    }

    @Test func upsertInsertsThenReplacesByKey() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await Seed(store)
        let ids = try await store.write { try $0.createMetagovIDs(community: "c", count: 2) }.map(\.externalID)
        try await store.write { writer in
            try writer.upsertLinkedAccount(writer.account(ids[0], "U1", quality: .unconfirmed, data: ["n": 1]))
            try writer.upsertLinkedAccount(writer.account(ids[0], "U1", platformID: "T1"))
        }
        #expect(try await store.read { try $0.linkedAccounts(matching: AccountFilter(community: "c")) }.count == 2)
        // Same key (no platform id): replaced, possibly moving to another id.
        try await store.write { writer in
            try writer.upsertLinkedAccount(writer.account(ids[1], "U1", quality: .strongConfirm, data: ["n": 2]))
        }
        let accounts = try await store.read { try $0.linkedAccounts(matching: AccountFilter(community: "c", communityPlatformID: "")) }
        #expect(accounts.count == 1)
        #expect(accounts.first?.externalID == ids[1])
        #expect(accounts.first?.linkQuality == .strongConfirm)
        #expect(accounts.first?.linkType == .oauth)
        #expect(accounts.first?.customData == ["n": 2])
        #expect(accounts.first?.communityPlatformID == nil)
        #expect(try await store.read { try $0.linkedAccounts(matching: AccountFilter(community: "c", communityPlatformID: "T1")) }.map(\.externalID) == [ids[0]])
    }

    @Test func upsertRequiresAnIDOfTheSameCommunity() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await Seed(store)
        _ = try await Seed(store, slug: "d")
        let elsewhere = try await store.write { try $0.createMetagovIDs(community: "d", count: 1) }[0].externalID
        await #expect(throws: StoreError.notFound("metagov id 42 in community 'c'")) {
            try await store.write { writer in try writer.upsertLinkedAccount(writer.account(42, "U1")) }
        }
        await #expect(throws: StoreError.notFound("metagov id \(elsewhere) in community 'c'")) {
            try await store.write { writer in try writer.upsertLinkedAccount(writer.account(elsewhere, "U1")) }
        }
    }

    @Test func accountFiltersAndOrdering() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await Seed(store)
        let ids = try await store.write { try $0.createMetagovIDs(community: "c", count: 2) }.map(\.externalID).sorted()
        try await store.write { writer in
            try writer.upsertLinkedAccount(writer.account(ids[1], "U2", type: "slack"))
            try writer.upsertLinkedAccount(writer.account(ids[0], "gh", type: "github"))
            try writer.upsertLinkedAccount(writer.account(ids[0], "U1", type: "slack", platformID: "T1"))
            try writer.upsertLinkedAccount(writer.account(ids[0], "U0", type: "slack"))
        }
        func identifiers(_ filter: AccountFilter) async throws -> [String] {
            try await store.read { try $0.linkedAccounts(matching: filter) }.map(\.platformIdentifier)
        }
        #expect(try await identifiers(AccountFilter(community: "c")) == ["gh", "U0", "U1", "U2"])
        #expect(try await identifiers(AccountFilter(community: "c", platformType: "slack")) == ["U0", "U1", "U2"])
        #expect(try await identifiers(AccountFilter(community: "c", platformIdentifier: "U1")) == ["U1"])
        #expect(try await identifiers(AccountFilter(community: "c", communityPlatformID: "")) == ["gh", "U0", "U2"])
        #expect(try await identifiers(AccountFilter(community: "c", communityPlatformID: "T1")) == ["U1"])
        #expect(try await identifiers(AccountFilter(community: "c", platformType: "slack", platformIdentifier: "U1", communityPlatformID: "T1")) == ["U1"])
        #expect(try await identifiers(AccountFilter(community: "c", platformType: "discord")).isEmpty)
        #expect(try await identifiers(AccountFilter(community: "other")).isEmpty)
        let byID = try await store.read { try $0.linkedAccounts(externalIDs: [ids[1], ids[0]]) }
        #expect(byID.map(\.platformIdentifier) == ["gh", "U0", "U1", "U2"])
        #expect(try await store.read { try $0.linkedAccounts(externalIDs: [ids[1]]) }.map(\.platformIdentifier) == ["U2"])
        #expect(try await store.read { try $0.linkedAccounts(externalIDs: []) }.isEmpty)
        #expect(try await store.read { try $0.linkedAccounts(externalIDs: [999]) }.isEmpty)
    }

    @Test func deleteByKey() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await Seed(store)
        let id = try await store.write { try $0.createMetagovIDs(community: "c", count: 1) }[0].externalID
        try await store.write { writer in
            try writer.upsertLinkedAccount(writer.account(id, "U1"))
            try writer.upsertLinkedAccount(writer.account(id, "U1", platformID: "T1"))
        }
        #expect(try await store.write { try $0.deleteLinkedAccount(community: "c", platformType: "slack", platformIdentifier: "U1", communityPlatformID: "T2") } == false)
        #expect(try await store.write { try $0.deleteLinkedAccount(community: "c", platformType: "slack", platformIdentifier: "U1", communityPlatformID: "T1") })
        #expect(try await store.read { try $0.linkedAccounts(externalIDs: [id]) }.map(\.communityPlatformID) == [nil])
        #expect(try await store.write { try $0.deleteLinkedAccount(community: "c", platformType: "slack", platformIdentifier: "U1", communityPlatformID: nil) })
        #expect(try await store.write { try $0.deleteLinkedAccount(community: "c", platformType: "slack", platformIdentifier: "U1", communityPlatformID: nil) } == false)
        #expect(try await store.read { try $0.linkedAccounts(externalIDs: [id]) }.isEmpty)
    }

    @Test func everyLinkTypeAndQualityRoundTrips() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await Seed(store)
        let id = try await store.write { try $0.createMetagovIDs(community: "c", count: 1) }[0].externalID
        let expected = try await store.write { writer -> [LinkedAccount] in
            var expected: [LinkedAccount] = []
            for type in LinkType.allCases {
                for quality in LinkQuality.allCases {
                    var account = writer.account(id, "\(type.rawValue)-\(quality.rawValue)", quality: quality)
                    account.linkType = type
                    try writer.upsertLinkedAccount(account)
                    expected.append(account)
                }
            }
            return expected
        }
        let stored = try await store.read { try $0.linkedAccounts(externalIDs: [id]) }
        #expect(Set(stored) == Set(expected))
    }
}
