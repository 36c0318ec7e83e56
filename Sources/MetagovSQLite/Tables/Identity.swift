import GRDB
import MetagovCore

/// Reading and writing the `metagov_id` and `linked_account` tables.
enum MetagovIDRow {
    static let columns = "community, external_id, primary_external_id"

    /// External ids are drawn from `1..<2^53` so that JSON clients that read numbers as doubles keep them exact.
    static let externalIDRange: Range<Int64> = 1..<(1 << 53)

    static func decode(_ row: StoredRow) throws -> MetagovID {
        MetagovID(
            community: try row.decode(atIndex: 0), externalID: try row.decode(atIndex: 1),
            primaryExternalID: try row.decode(atIndex: 2))
    }

    static func describe(_ externalID: Int64) -> String { "metagov id \(externalID)" }
}

enum LinkedAccountRow {
    static let columns = """
        external_id, community, platform_type, platform_identifier, community_platform_id, custom_data, link_type, \
        link_quality
        """
    static let order = "external_id, platform_type, platform_identifier, community_platform_id"

    static func decode(_ row: StoredRow) throws -> LinkedAccount {
        LinkedAccount(
            externalID: try row.decode(atIndex: 0), community: try row.decode(atIndex: 1),
            platformType: try row.decode(atIndex: 2), platformIdentifier: try row.decode(atIndex: 3),
            communityPlatformID: try row.decode(atIndex: 4),
            customData: try StoredJSON.value(row, 5, column: "linked_account.custom_data"),
            linkType: try StoredEnum.decode(LinkType.self, row, 6, column: "linked_account.link_type"),
            linkQuality: try StoredEnum.decode(LinkQuality.self, row, 7, column: "linked_account.link_quality"))
    }
}

extension SQLiteReading {
    func metagovID(externalID: Int64) throws -> MetagovID? {
        try fetchOne(
            "SELECT \(MetagovIDRow.columns) FROM metagov_id WHERE external_id = ?", [externalID], MetagovIDRow.decode)
    }

    func metagovIDs(primaryExternalID: Int64) throws -> [MetagovID] {
        try fetchAll(
            "SELECT \(MetagovIDRow.columns) FROM metagov_id WHERE primary_external_id = ? ORDER BY external_id",
            [primaryExternalID], MetagovIDRow.decode)
    }

    func primaryMetagovIDs(community: String) throws -> [MetagovID] {
        try fetchAll(
            """
            SELECT \(MetagovIDRow.columns) FROM metagov_id
            WHERE community = ? AND external_id = primary_external_id ORDER BY external_id
            """,
            [community], MetagovIDRow.decode)
    }

    func linkedAccounts(matching filter: AccountFilter) throws -> [LinkedAccount] {
        var conditions = Conditions()
        conditions.add("community = ?", filter.community)
        conditions.add("platform_type = ?", ifPresent: filter.platformType)
        conditions.add("platform_identifier = ?", ifPresent: filter.platformIdentifier)
        conditions.add("ifnull(community_platform_id, '') = ?", ifPresent: filter.communityPlatformID)
        return try fetchAll(
            "SELECT \(LinkedAccountRow.columns) FROM linked_account WHERE \(conditions.sql) ORDER BY \(LinkedAccountRow.order)",
            conditions.arguments, LinkedAccountRow.decode)
    }

    func linkedAccounts(externalIDs: [Int64]) throws -> [LinkedAccount] {
        guard !externalIDs.isEmpty else { return [] }
        return try fetchAll(
            """
            SELECT \(LinkedAccountRow.columns) FROM linked_account
            WHERE external_id IN (SELECT value FROM json_each(?)) ORDER BY \(LinkedAccountRow.order)
            """,
            [StoredJSON.array(externalIDs)], LinkedAccountRow.decode)
    }
}

extension SQLiteWriter {
    /// How many taken ids ``createMetagovIDs(community:count:)`` draws before giving up.
    static var maxCollisions: Int { 1000 }

    /// Draws random ids from ``MetagovIDRow/externalIDRange``; a drawn id that is taken is ignored by the
    /// insert and drawn again.
    func createMetagovIDs(community: String, count: Int) throws -> [MetagovID] {
        guard count > 0 else { return [] }
        var created: [MetagovID] = []
        created.reserveCapacity(count)
        var collisions = 0
        while created.count < count {
            let candidate = Int64.random(in: MetagovIDRow.externalIDRange)
            let inserted = try translatingConstraints(notFound: { CommunityRow.describe(community) }) {
                try executeCountingChanges(
                    "INSERT OR IGNORE INTO metagov_id (external_id, community, primary_external_id) VALUES (?, ?, ?)",
                    [candidate, community, candidate])
            }
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
        guard try exists("SELECT 1 FROM metagov_id WHERE external_id = ?", [newPrimary]) else {
            throw StoreError.notFound(MetagovIDRow.describe(newPrimary))
        }
        try execute(
            "UPDATE metagov_id SET primary_external_id = ? WHERE primary_external_id = ?", [newPrimary, oldPrimary])
    }

    /// `INSERT OR REPLACE` removes the row holding the same unique key, if any, in the same statement. Throws
    /// ``StoreError/notFound(_:)`` when the metagov id does not exist in the account's community.
    func upsertLinkedAccount(_ account: LinkedAccount) throws {
        try translatingConstraints(
            notFound: { "\(MetagovIDRow.describe(account.externalID)) in community '\(account.community)'" }
        ) {
            try execute(
                """
                INSERT OR REPLACE INTO linked_account (external_id, community, platform_type, platform_identifier,
                    community_platform_id, custom_data, link_type, link_quality)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [account.externalID, account.community, account.platformType, account.platformIdentifier,
                 account.communityPlatformID, StoredJSON.text(account.customData), account.linkType.rawValue,
                 account.linkQuality.rawValue])
        }
    }

    func deleteLinkedAccount(
        community: String, platformType: String, platformIdentifier: String, communityPlatformID: String?
    ) throws -> Bool {
        try executeCountingChanges(
            """
            DELETE FROM linked_account
            WHERE community = ? AND platform_type = ? AND platform_identifier = ? AND ifnull(community_platform_id, '') = ?
            """,
            [community, platformType, platformIdentifier, communityPlatformID ?? ""]) > 0
    }
}
