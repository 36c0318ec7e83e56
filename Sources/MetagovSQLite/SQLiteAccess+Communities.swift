import GRDB
import MetagovCore

extension SQLiteAccess {
    private static func community(_ row: Row) -> Community {
        Community(
            slug: row["slug"], readableName: row["readable_name"], createdAt: Column.date(row["created_at"]),
            updatedAt: Column.date(row["updated_at"]))
    }

    func community(slug: String) throws -> Community? {
        try row("SELECT * FROM community WHERE slug = ?", [slug]).map(Self.community)
    }

    func communities(afterSlug: String?, limit: Int) throws -> [Community] {
        try rows("SELECT * FROM community WHERE slug > ? ORDER BY slug LIMIT ?", [afterSlug ?? "", limit]).map(Self.community)
    }

    func insertCommunity(slug: String, readableName: String) throws -> Community {
        let now = self.now
        try executeUnique(
            "INSERT INTO community (slug, readable_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [slug, readableName, now, now], what: "community '\(slug)'")
        return Community(slug: slug, readableName: readableName, createdAt: Column.date(now), updatedAt: Column.date(now))
    }

    func updateCommunity(slug: String, readableName: String) throws -> Community {
        try execute("UPDATE community SET readable_name = ?, updated_at = ? WHERE slug = ?", [readableName, now, slug])
        guard db.changesCount > 0, let community = try community(slug: slug) else {
            throw StoreError.notFound("community '\(slug)'")
        }
        return community
    }

    func deleteCommunity(slug: String) throws -> Bool {
        try execute("DELETE FROM community WHERE slug = ?", [slug])
        return db.changesCount > 0
    }
}
