/// Metagov ids and the platform accounts linked to them (Metagov's identity API).
public struct IdentityService: Sendable {
    let store: any Store

    /// Most ids one ``createIDs(community:count:)`` call makes.
    public static let maxBatch = 1000

    /// Creates `count` new metagov ids in `community`; returns their external ids.
    public func createIDs(community: String, count: Int = 1) async throws -> [Int64] {
        guard (1...Self.maxBatch).contains(count) else {
            throw MetagovError.invalidArgument("count must be between 1 and \(Self.maxBatch) (got \(count))")
        }
        return try await store.writeTranslatingErrors { writer in
            try Self.requireCommunity(community, writer)
            return try writer.createMetagovIDs(community: community, count: count).map(\.externalID)
        }
    }

    /// Links an account to metagov id `externalID`. An account that is already linked (to any id) is only
    /// replaced by a link of higher quality; otherwise ALREADY_EXISTS.
    @discardableResult
    public func linkAccount(_ account: LinkedAccount) async throws -> LinkedAccount {
        try await store.writeTranslatingErrors { writer in
            try Self.requireID(account.externalID, community: account.community, writer)
            if let existing = try Self.find(account, writer), account.linkQuality <= existing.linkQuality {
                throw MetagovError.alreadyExists(
                    "account '\(account.platformIdentifier)' on '\(account.platformType)' (linked to id \(existing.externalID) with quality '\(existing.linkQuality.rawValue)')")
            }
            try writer.upsertLinkedAccount(account)
            return account
        }
    }

    /// Creates or updates a linked account on behalf of a plugin (Metagov's `add_linked_account`): with no
    /// `externalID`, a new metagov id is made for an unknown account; an existing link is kept unless the new
    /// one has higher quality.
    @discardableResult
    public func addLinkedAccount(
        community: String, platformType: String, platformIdentifier: String, communityPlatformID: String?,
        externalID: Int64?, customData: JSONValue, linkType: LinkType, linkQuality: LinkQuality
    ) async throws -> LinkedAccount {
        try await store.writeTranslatingErrors { writer in
            try Self.addLinkedAccount(
                LinkedAccount(
                    externalID: externalID ?? 0, community: community, platformType: platformType,
                    platformIdentifier: platformIdentifier, communityPlatformID: communityPlatformID,
                    customData: customData, linkType: linkType, linkQuality: linkQuality),
                newID: externalID == nil, writer)
        }
    }

    /// ``addLinkedAccount(community:platformType:platformIdentifier:communityPlatformID:externalID:customData:linkType:linkQuality:)``
    /// inside a write transaction; with `newID`, `account.externalID` is ignored.
    static func addLinkedAccount(_ account: LinkedAccount, newID: Bool, _ writer: any StoreWriter) throws -> LinkedAccount {
        var account = account
        try requireCommunity(account.community, writer)
        let existing = try find(account, writer)
        if let existing, account.linkQuality <= existing.linkQuality { return existing }
        if !newID {
            try requireID(account.externalID, community: account.community, writer)
        } else if let existing {
            account.externalID = existing.externalID
        } else {
            guard let id = try writer.createMetagovIDs(community: account.community, count: 1).first else {
                throw MetagovError(.internal, "no metagov id was created")
            }
            account.externalID = id.externalID
        }
        try writer.upsertLinkedAccount(account)
        return account
    }

    /// Removes a linked account; NOT_FOUND when there is none.
    public func unlinkAccount(community: String, platformType: String, platformIdentifier: String, communityPlatformID: String? = nil) async throws {
        let removed = try await store.writeTranslatingErrors {
            try $0.deleteLinkedAccount(
                community: community, platformType: platformType, platformIdentifier: platformIdentifier,
                communityPlatformID: communityPlatformID)
        }
        guard removed else {
            throw MetagovError.notFound("linked account '\(platformIdentifier)' on '\(platformType)' in community '\(community)'")
        }
    }

    /// The person behind `externalID`: the primary id of its merged group and every account linked to any
    /// id of the group.
    public func getUser(community: String, externalID: Int64) async throws -> User {
        try await store.readTranslatingErrors { reader in
            let id = try Self.requireID(externalID, community: community, reader)
            return try Self.user(primary: id.primaryExternalID, reader)
        }
    }

    /// Every person of `community` (one per merged group), ordered by primary id; with a platform type, only
    /// those with an account there.
    public func getUsers(community: String, platformType: String? = nil, communityPlatformID: String? = nil) async throws -> [User] {
        try await store.readTranslatingErrors { reader in
            try Self.requireCommunity(community, reader)
            if platformType == nil && communityPlatformID == nil {
                return try reader.primaryMetagovIDs(community: community).map { try Self.user(primary: $0.externalID, reader) }
            }
            let accounts = try reader.linkedAccounts(
                matching: AccountFilter(community: community, platformType: platformType, communityPlatformID: communityPlatformID))
            return try Self.users(owning: accounts, reader)
        }
    }

    /// The people owning accounts that match `filter`.
    public func filterUsersByAccount(_ filter: AccountFilter) async throws -> [User] {
        try await store.readTranslatingErrors { reader in
            try Self.requireCommunity(filter.community, reader)
            return try Self.users(owning: reader.linkedAccounts(matching: filter), reader)
        }
    }

    /// The account on `platformType` linked to the person behind `externalID`; NOT_FOUND when none.
    public func getLinkedAccount(
        community: String, externalID: Int64, platformType: String, communityPlatformID: String? = nil
    ) async throws -> LinkedAccount {
        let user = try await getUser(community: community, externalID: externalID)
        guard let account = user.linkedAccounts.first(where: {
            $0.platformType == platformType && (communityPlatformID == nil || $0.communityPlatformID == communityPlatformID)
        }) else {
            throw MetagovError.notFound("account on '\(platformType)' for id \(externalID) in community '\(community)'")
        }
        return account
    }

    /// Merges the groups of two ids; `primaryID` becomes the one primary of the merged group.
    public func mergeIDs(community: String, primaryID: Int64, secondaryID: Int64) async throws -> User {
        try await store.writeTranslatingErrors { writer in
            let primary = try Self.requireID(primaryID, community: community, writer)
            let secondary = try Self.requireID(secondaryID, community: community, writer)
            try writer.reassignPrimary(from: secondary.primaryExternalID, to: primaryID)
            if primary.primaryExternalID != primaryID {
                try writer.reassignPrimary(from: primary.primaryExternalID, to: primaryID)
            }
            return try Self.user(primary: primaryID, writer)
        }
    }

    // MARK: Helpers

    private static func requireCommunity(_ community: String, _ reader: any StoreReader) throws {
        guard try reader.community(slug: community) != nil else { throw MetagovError.notFound("community '\(community)'") }
    }

    @discardableResult
    private static func requireID(_ externalID: Int64, community: String, _ reader: any StoreReader) throws -> MetagovID {
        guard let id = try reader.metagovID(externalID: externalID), id.community == community else {
            try requireCommunity(community, reader)
            throw MetagovError.notFound("metagov id \(externalID) in community '\(community)'")
        }
        return id
    }

    private static func find(_ account: LinkedAccount, _ reader: any StoreReader) throws -> LinkedAccount? {
        try reader.linkedAccounts(
            matching: AccountFilter(
                community: account.community, platformType: account.platformType,
                platformIdentifier: account.platformIdentifier, communityPlatformID: account.communityPlatformID ?? ""))
            .first
    }

    private static func user(primary: Int64, _ reader: any StoreReader) throws -> User {
        let ids = try reader.metagovIDs(primaryExternalID: primary).map(\.externalID)
        return User(externalID: primary, linkedAccounts: try reader.linkedAccounts(externalIDs: ids))
    }

    private static func users(owning accounts: [LinkedAccount], _ reader: any StoreReader) throws -> [User] {
        var primaries: [Int64] = []
        for account in accounts {
            guard let id = try reader.metagovID(externalID: account.externalID) else { continue }
            if !primaries.contains(id.primaryExternalID) { primaries.append(id.primaryExternalID) }
        }
        return try primaries.sorted().map { try user(primary: $0, reader) }
    }
}
