import GRDB
import MetagovCore

extension SQLiteAccess {
    private static func plugin(_ row: Row) -> PluginInstance {
        PluginInstance(
            id: row["id"], community: row["community"], name: row["name"],
            communityPlatformID: row["community_platform_id"], config: Column.json(row["config"] as String?) ?? [:],
            createdAt: Column.date(row["created_at"]), updatedAt: Column.date(row["updated_at"]))
    }

    private static func describe(_ name: String, _ community: String, _ platformID: String?) -> String {
        "plugin '\(name)'" + (platformID.map { " (community_platform_id '\($0)')" } ?? "") + " in community '\(community)'"
    }

    func plugin(id: Int64) throws -> PluginInstance? {
        try row("SELECT * FROM plugin WHERE id = ?", [id]).map(Self.plugin)
    }

    func plugin(community: String, name: String, communityPlatformID: String?) throws -> PluginInstance? {
        try row(
            "SELECT * FROM plugin WHERE community = ? AND name = ? AND ifnull(community_platform_id, '') = ?",
            [community, name, communityPlatformID ?? ""]
        ).map(Self.plugin)
    }

    func plugins(community: String, name: String) throws -> [PluginInstance] {
        try rows("SELECT * FROM plugin WHERE community = ? AND name = ? ORDER BY id", [community, name]).map(Self.plugin)
    }

    func plugins(community: String) throws -> [PluginInstance] {
        try rows("SELECT * FROM plugin WHERE community = ? ORDER BY id", [community]).map(Self.plugin)
    }

    func allPlugins() throws -> [PluginInstance] {
        try rows("SELECT * FROM plugin ORDER BY id").map(Self.plugin)
    }

    func pluginState(pluginID: Int64) throws -> [String: JSONValue] {
        var state: [String: JSONValue] = [:]
        for row in try rows("SELECT key, value FROM plugin_state WHERE plugin_id = ?", [pluginID]) {
            state[row["key"]] = Column.json(row["value"] as String?) ?? .null
        }
        return state
    }

    func pluginStateVersion(pluginID: Int64) throws -> Int64? {
        try row("SELECT state_version FROM plugin WHERE id = ?", [pluginID]).map { $0["state_version"] }
    }

    func insertPlugin(community: String, name: String, communityPlatformID: String?, config: JSONValue) throws
        -> PluginInstance
    {
        guard try self.community(slug: community) != nil else { throw StoreError.notFound("community '\(community)'") }
        let now = self.now
        try executeUnique(
            """
            INSERT INTO plugin (community, name, community_platform_id, config, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [community, name, communityPlatformID, Column.json(config), now, now],
            what: Self.describe(name, community, communityPlatformID))
        return PluginInstance(
            id: db.lastInsertedRowID, community: community, name: name, communityPlatformID: communityPlatformID,
            config: config, createdAt: Column.date(now), updatedAt: Column.date(now))
    }

    func updatePlugin(id: Int64, communityPlatformID: String?, config: JSONValue) throws -> PluginInstance {
        guard let existing = try plugin(id: id) else { throw StoreError.notFound("plugin instance \(id)") }
        try executeUnique(
            "UPDATE plugin SET community_platform_id = ?, config = ?, updated_at = ? WHERE id = ?",
            [communityPlatformID, Column.json(config), now, id],
            what: Self.describe(existing.name, existing.community, communityPlatformID))
        guard let updated = try plugin(id: id) else { throw StoreError.notFound("plugin instance \(id)") }
        return updated
    }

    func deletePlugin(id: Int64) throws -> Bool {
        try execute("DELETE FROM plugin WHERE id = ?", [id])
        return db.changesCount > 0
    }

    func updatePluginState(pluginID: Int64, changes: [String: JSONValue?], expectedVersion: Int64?) throws -> Int64 {
        guard let version = try pluginStateVersion(pluginID: pluginID) else {
            throw StoreError.notFound("plugin instance \(pluginID)")
        }
        if let expectedVersion, expectedVersion != version {
            throw StoreError.conflict("state of plugin instance \(pluginID)")
        }
        for (key, value) in changes {
            if let value {
                try execute(
                    "INSERT INTO plugin_state (plugin_id, key, value) VALUES (?, ?, ?) ON CONFLICT(plugin_id, key) DO UPDATE SET value = excluded.value",
                    [pluginID, key, Column.json(value)])
            } else {
                try execute("DELETE FROM plugin_state WHERE plugin_id = ? AND key = ?", [pluginID, key])
            }
        }
        try execute("UPDATE plugin SET state_version = ? WHERE id = ?", [version + 1, pluginID])
        return version + 1
    }
}
