import GRDB
import MetagovCore

/// Reading and writing the `community` table.
enum CommunityRow {
    static let columns = "slug, readable_name, created_at, updated_at"

    static func decode(_ row: StoredRow) throws -> Community {
        Community(
            slug: try row.decode(atIndex: 0), readableName: try row.decode(atIndex: 1),
            createdAt: try StoredTime.date(row, 2), updatedAt: try StoredTime.date(row, 3))
    }

    static func describe(_ slug: String) -> String { "community '\(slug)'" }
}

extension SQLiteReading {
    func community(slug: String) throws -> Community? {
        try fetchOne("SELECT \(CommunityRow.columns) FROM community WHERE slug = ?", [slug], CommunityRow.decode)
    }

    func communities(afterSlug: String?, limit: Int) throws -> [Community] {
        if let afterSlug {
            return try fetchAll(
                "SELECT \(CommunityRow.columns) FROM community WHERE slug > ? ORDER BY slug LIMIT ?",
                [afterSlug, sqlLimit(limit)], CommunityRow.decode)
        }
        return try fetchAll(
            "SELECT \(CommunityRow.columns) FROM community ORDER BY slug LIMIT ?", [sqlLimit(limit)],
            CommunityRow.decode)
    }
}

extension SQLiteWriter {
    func insertCommunity(slug: String, readableName: String) throws -> Community {
        let now = StoredTime.now()
        try translatingConstraints(alreadyExists: { CommunityRow.describe(slug) }) {
            try execute(
                "INSERT INTO community (slug, readable_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                [slug, readableName, now, now])
        }
        return Community(
            slug: slug, readableName: readableName, createdAt: StoredTime.date(now), updatedAt: StoredTime.date(now))
    }

    func updateCommunity(slug: String, readableName: String) throws -> Community {
        let updated = try fetchOne(
            "UPDATE community SET readable_name = ?, updated_at = ? WHERE slug = ? RETURNING \(CommunityRow.columns)",
            [readableName, StoredTime.now(), slug], CommunityRow.decode)
        guard let updated else { throw StoreError.notFound(CommunityRow.describe(slug)) }
        return updated
    }

    func deleteCommunity(slug: String) throws -> Bool {
        // Foreign keys cascade to plugins (and their state and processes), metagov ids (and their linked
        // accounts), events and webhook subscriptions.
        batch.forget()
        return try executeCountingChanges("DELETE FROM community WHERE slug = ?", [slug]) > 0
    }
}
