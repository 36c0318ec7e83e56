import MetagovCore
import PostgresNIO

/// Reading and writing the `metagov_id` and `linked_account` tables.
enum MetagovIDRow {
    static let columns = "community, external_id, primary_external_id"

    /// External ids are drawn from `1..<2^53` so that JSON clients that read numbers as doubles keep them exact.
    static let externalIDRange: Range<Int64> = 1..<(1 << 53)

    static func decode(_ row: PostgresRandomAccessRow) throws -> MetagovID {
        MetagovID(community: try row.value(0), externalID: try row.value(1), primaryExternalID: try row.value(2))
    }

    static func describe(_ externalID: Int64) -> String { "metagov id \(externalID)" }
}

enum LinkedAccountRow {
    static let columns = """
        external_id, community, platform_type, platform_identifier, community_platform_id, custom_data, link_type, \
        link_quality
        """
    /// NULL platform ids sort first, as in SQLite.
    static let order = "external_id, platform_type, platform_identifier, community_platform_id NULLS FIRST"

    static func decode(_ row: PostgresRandomAccessRow) throws -> LinkedAccount {
        LinkedAccount(
            externalID: try row.value(0), community: try row.value(1), platformType: try row.value(2),
            platformIdentifier: try row.value(3), communityPlatformID: try row.value(4), customData: try row.json(5),
            linkType: try row.rawValue(6, as: LinkType.self), linkQuality: try row.rawValue(7, as: LinkQuality.self))
    }
}

extension PostgresReading {
    func metagovID(externalID: Int64) throws -> MetagovID? {
        try fetchOne("SELECT \(MetagovIDRow.columns) FROM metagov_id WHERE external_id = $1", binds(externalID), MetagovIDRow.decode)
    }

    func metagovIDs(primaryExternalID: Int64) throws -> [MetagovID] {
        try fetchAll(
            "SELECT \(MetagovIDRow.columns) FROM metagov_id WHERE primary_external_id = $1 ORDER BY external_id",
            binds(primaryExternalID), MetagovIDRow.decode)
    }

    func primaryMetagovIDs(community: String) throws -> [MetagovID] {
        try fetchAll(
            """
            SELECT \(MetagovIDRow.columns) FROM metagov_id
            WHERE community = $1 AND external_id = primary_external_id ORDER BY external_id
            """,
            binds(community), MetagovIDRow.decode)
    }

    func linkedAccounts(matching filter: AccountFilter) throws -> [LinkedAccount] {
        var conditions = Conditions()
        conditions.add("community = ?", filter.community)
        conditions.add("platform_type = ?", ifPresent: filter.platformType)
        conditions.add("platform_identifier = ?", ifPresent: filter.platformIdentifier)
        conditions.add("coalesce(community_platform_id, '') = ?", ifPresent: filter.communityPlatformID)
        return try fetchAll(
            "SELECT \(LinkedAccountRow.columns) FROM linked_account WHERE \(conditions.sql) ORDER BY \(LinkedAccountRow.order)",
            conditions.binds, LinkedAccountRow.decode)
    }

    func linkedAccounts(externalIDs: [Int64]) throws -> [LinkedAccount] {
        guard !externalIDs.isEmpty else { return [] }
        return try fetchAll(
            """
            SELECT \(LinkedAccountRow.columns) FROM linked_account
            WHERE external_id = ANY($1::bigint[]) ORDER BY \(LinkedAccountRow.order)
            """,
            binds(externalIDs), LinkedAccountRow.decode)
    }
}

extension PostgresWriter {
    /// How many taken ids ``createMetagovIDs(community:count:)`` draws before giving up.
    static var maxCollisions: Int { 1000 }

    /// Draws random ids from ``MetagovIDRow/externalIDRange``; a drawn id that is taken is skipped by the insert
    /// (`ON CONFLICT DO NOTHING`) and drawn again.
    func createMetagovIDs(community: String, count: Int) throws -> [MetagovID] {
        guard count > 0 else { return [] }
        guard try self.community(slug: community) != nil else { throw StoreError.notFound(CommunityRow.describe(community)) }
        var created: [MetagovID] = []
        created.reserveCapacity(count)
        var collisions = 0
        while created.count < count {
            let candidate = Int64.random(in: MetagovIDRow.externalIDRange)
            let inserted = try execute(
                """
                INSERT INTO metagov_id (external_id, community, primary_external_id) VALUES ($1, $2, $1)
                ON CONFLICT DO NOTHING
                """,
                binds(candidate, community))
            if inserted > 0 {
                created.append(MetagovID(community: community, externalID: candidate, primaryExternalID: candidate))
            } else {
                // Practically unreachable with 2^53 candidates; the bound only guards a broken generator.
                collisions += 1
                guard collisions < Self.maxCollisions else {
                    throw StoreError.conflict("no unused metagov id found for community '\(community)'")
                }
            }
        }
        return created
    }

    /// Throws ``StoreError/notFound(_:)`` when `newPrimary` does not exist.
    func reassignPrimary(from oldPrimary: Int64, to newPrimary: Int64) throws {
        guard try exists("SELECT 1 FROM metagov_id WHERE external_id = $1", binds(newPrimary)) else {
            throw StoreError.notFound(MetagovIDRow.describe(newPrimary))
        }
        try execute(
            "UPDATE metagov_id SET primary_external_id = $1 WHERE primary_external_id = $2", binds(newPrimary, oldPrimary))
    }

    /// Replaces the row holding the same (community, platform type, identifier, platform id), if any. Throws
    /// ``StoreError/notFound(_:)`` when the metagov id does not exist in the account's community.
    func upsertLinkedAccount(_ account: LinkedAccount) throws {
        try translatingConstraints(
            notFound: { "\(MetagovIDRow.describe(account.externalID)) in community '\(account.community)'" }
        ) {
            try execute(
                """
                INSERT INTO linked_account (external_id, community, platform_type, platform_identifier,
                    community_platform_id, custom_data, link_type, link_quality)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (community, platform_type, platform_identifier, coalesce(community_platform_id, ''))
                DO UPDATE SET external_id = excluded.external_id, community_platform_id = excluded.community_platform_id,
                    custom_data = excluded.custom_data, link_type = excluded.link_type, link_quality = excluded.link_quality
                """,
                binds(account.externalID, account.community, account.platformType, account.platformIdentifier,
                      account.communityPlatformID, StoredJSON.text(account.customData), account.linkType.rawValue,
                      account.linkQuality.rawValue))
        }
    }

    func deleteLinkedAccount(
        community: String, platformType: String, platformIdentifier: String, communityPlatformID: String?
    ) throws -> Bool {
        try execute(
            """
            DELETE FROM linked_account
            WHERE community = $1 AND platform_type = $2 AND platform_identifier = $3
              AND coalesce(community_platform_id, '') = $4
            """,
            binds(community, platformType, platformIdentifier, communityPlatformID ?? "")) > 0
    }
}
