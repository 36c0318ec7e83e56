import GRDB
import MetagovCore

extension SQLiteAccess {
    private static func metagovID(_ row: Row) -> MetagovID {
        MetagovID(community: row["community"], externalID: row["external_id"], primaryExternalID: row["primary_external_id"])
    }

    private static func account(_ row: Row) -> LinkedAccount {
        LinkedAccount(
            externalID: row["external_id"], community: row["community"], platformType: row["platform_type"],
            platformIdentifier: row["platform_identifier"], communityPlatformID: row["community_platform_id"],
            customData: Column.json(row["custom_data"] as String?) ?? [:],
            linkType: LinkType(rawValue: row["link_type"]) ?? .unknown,
            linkQuality: LinkQuality(rawValue: row["link_quality"]) ?? .unknown)
    }

    func metagovID(externalID: Int64) throws -> MetagovID? {
        try row("SELECT * FROM metagov_id WHERE external_id = ?", [externalID]).map(Self.metagovID)
    }

    func metagovIDs(primaryExternalID: Int64) throws -> [MetagovID] {
        try rows("SELECT * FROM metagov_id WHERE primary_external_id = ? ORDER BY external_id", [primaryExternalID])
            .map(Self.metagovID)
    }

    func primaryMetagovIDs(community: String) throws -> [MetagovID] {
        try rows(
            "SELECT * FROM metagov_id WHERE community = ? AND external_id = primary_external_id ORDER BY external_id",
            [community]
        ).map(Self.metagovID)
    }

    func linkedAccounts(matching filter: AccountFilter) throws -> [LinkedAccount] {
        var conditions = ["community = ?"]
        var arguments: StatementArguments = [filter.community]
        if let platformType = filter.platformType { conditions.append("platform_type = ?"); arguments += [platformType] }
        if let identifier = filter.platformIdentifier { conditions.append("platform_identifier = ?"); arguments += [identifier] }
        if let platformID = filter.communityPlatformID {
            conditions.append("ifnull(community_platform_id, '') = ?")
            arguments += [platformID]
        }
        let sql = """
            SELECT * FROM linked_account WHERE \(conditions.joined(separator: " AND "))
            ORDER BY external_id, platform_type, platform_identifier
            """
        return try rows(sql, arguments).map(Self.account)
    }

    func linkedAccounts(externalIDs: [Int64]) throws -> [LinkedAccount] {
        guard !externalIDs.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: externalIDs.count).joined(separator: ",")
        return try rows(
            "SELECT * FROM linked_account WHERE external_id IN (\(marks)) ORDER BY external_id, platform_type, platform_identifier",
            StatementArguments(externalIDs)
        ).map(Self.account)
    }

    func createMetagovIDs(community: String, count: Int) throws -> [MetagovID] {
        guard try self.community(slug: community) != nil else { throw StoreError.notFound("community '\(community)'") }
        var created: [MetagovID] = []
        while created.count < count {
            let candidate = Int64.random(in: 1..<(1 << 53))
            guard try metagovID(externalID: candidate) == nil else { continue }
            try execute(
                "INSERT INTO metagov_id (external_id, community, primary_external_id) VALUES (?, ?, ?)",
                [candidate, community, candidate])
            created.append(MetagovID(community: community, externalID: candidate, primaryExternalID: candidate))
        }
        return created
    }

    func reassignPrimary(from oldPrimary: Int64, to newPrimary: Int64) throws {
        try execute("UPDATE metagov_id SET primary_external_id = ? WHERE primary_external_id = ?", [newPrimary, oldPrimary])
        try execute("UPDATE metagov_id SET primary_external_id = ? WHERE external_id = ?", [newPrimary, newPrimary])
    }

    func upsertLinkedAccount(_ account: LinkedAccount) throws {
        _ = try deleteLinkedAccount(
            community: account.community, platformType: account.platformType,
            platformIdentifier: account.platformIdentifier, communityPlatformID: account.communityPlatformID)
        try execute(
            """
            INSERT INTO linked_account (external_id, community, platform_type, platform_identifier,
                                        community_platform_id, custom_data, link_type, link_quality)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [account.externalID, account.community, account.platformType, account.platformIdentifier,
             account.communityPlatformID, Column.json(account.customData), account.linkType.rawValue,
             account.linkQuality.rawValue])
    }

    func deleteLinkedAccount(community: String, platformType: String, platformIdentifier: String, communityPlatformID: String?) throws -> Bool {
        try execute(
            """
            DELETE FROM linked_account WHERE community = ? AND platform_type = ? AND platform_identifier = ?
            AND ifnull(community_platform_id, '') = ?
            """,
            [community, platformType, platformIdentifier, communityPlatformID ?? ""])
        return db.changesCount > 0
    }
}
