import MetagovCore
import PostgresNIO

/// Reading and writing the `community` table.
enum CommunityRow {
    static let columns = "slug, readable_name, created_at, updated_at"

    static func decode(_ row: PostgresRandomAccessRow) throws -> Community {
        Community(slug: try row.value(0), readableName: try row.value(1), createdAt: try row.date(2), updatedAt: try row.date(3))
    }

    static func describe(_ slug: String) -> String { "community '\(slug)'" }
}

extension PostgresReading {
    func community(slug: String) throws -> Community? {
        try fetchOne("SELECT \(CommunityRow.columns) FROM community WHERE slug = $1", binds(slug), CommunityRow.decode)
    }

    func communities(afterSlug: String?, limit: Int) throws -> [Community] {
        if let afterSlug {
            return try fetchAll(
                "SELECT \(CommunityRow.columns) FROM community WHERE slug > $1 ORDER BY slug LIMIT $2",
                binds(afterSlug, sqlLimit(limit)), CommunityRow.decode)
        }
        return try fetchAll(
            "SELECT \(CommunityRow.columns) FROM community ORDER BY slug LIMIT $1", binds(sqlLimit(limit)), CommunityRow.decode)
    }
}

extension PostgresWriter {
    /// `ON CONFLICT DO NOTHING` reports a taken slug without an error, so the transaction stays usable.
    func insertCommunity(slug: String, readableName: String) throws -> Community {
        let now = StoredTime.now()
        let inserted = try execute(
            """
            INSERT INTO community (slug, readable_name, created_at, updated_at) VALUES ($1, $2, $3, $3)
            ON CONFLICT DO NOTHING
            """,
            binds(slug, readableName, now))
        guard inserted > 0 else { throw StoreError.alreadyExists(CommunityRow.describe(slug)) }
        effects.pluginInstancesChanged = true
        return Community(
            slug: slug, readableName: readableName, createdAt: StoredTime.date(now), updatedAt: StoredTime.date(now))
    }

    func updateCommunity(slug: String, readableName: String) throws -> Community {
        let updated = try fetchOne(
            "UPDATE community SET readable_name = $1, updated_at = $2 WHERE slug = $3 RETURNING \(CommunityRow.columns)",
            binds(readableName, StoredTime.now(), slug), CommunityRow.decode)
        guard let updated else { throw StoreError.notFound(CommunityRow.describe(slug)) }
        effects.pluginInstancesChanged = true
        return updated
    }

    func deleteCommunity(slug: String) throws -> Bool {
        // Foreign keys cascade to plugins (and their state and processes), metagov ids (and their linked
        // accounts), events, webhook subscriptions and deliveries.
        batch.forgetProcesses()
        let deleted = try execute("DELETE FROM community WHERE slug = $1", binds(slug)) > 0
        if deleted {
            batch.webhookSubscriptions.removeAll()
            effects.eventsDeleted = true
            effects.pluginInstancesChanged = true
            effects.stateChanged = true
        }
        return deleted
    }
}
