import GRDB
import MetagovCore

/// Reading and writing the `plugin` and `plugin_state` tables.
enum PluginRow {
    static let columns = "id, community, name, community_platform_id, config, created_at, updated_at"

    static func decode(_ row: StoredRow) throws -> PluginInstance {
        PluginInstance(
            id: try row.decode(atIndex: 0), community: try row.decode(atIndex: 1), name: try row.decode(atIndex: 2),
            communityPlatformID: try row.decode(atIndex: 3), config: try StoredJSON.value(row, 4, column: "plugin.config"),
            createdAt: try StoredTime.date(row, 5), updatedAt: try StoredTime.date(row, 6))
    }

    static func describe(name: String, community: String, communityPlatformID: String?) -> String {
        "plugin '\(name)'" + (communityPlatformID.map { " (community_platform_id '\($0)')" } ?? "")
            + " in community '\(community)'"
    }

    static func describe(id: Int64) -> String { "plugin instance \(id)" }
}

extension SQLiteReading {
    func plugin(id: Int64) throws -> PluginInstance? {
        try fetchOne("SELECT \(PluginRow.columns) FROM plugin WHERE id = ?", [id], PluginRow.decode)
    }

    func plugin(community: String, name: String, communityPlatformID: String?) throws -> PluginInstance? {
        try fetchOne(
            """
            SELECT \(PluginRow.columns) FROM plugin
            WHERE community = ? AND name = ? AND ifnull(community_platform_id, '') = ?
            """,
            [community, name, communityPlatformID ?? ""], PluginRow.decode)
    }

    func plugins(community: String, name: String) throws -> [PluginInstance] {
        try fetchAll(
            "SELECT \(PluginRow.columns) FROM plugin WHERE community = ? AND name = ? ORDER BY id",
            [community, name], PluginRow.decode)
    }

    func plugins(community: String) throws -> [PluginInstance] {
        try fetchAll(
            "SELECT \(PluginRow.columns) FROM plugin WHERE community = ? ORDER BY id", [community], PluginRow.decode)
    }

    func plugins(communities slugs: ClosedRange<String>) throws -> [PluginInstance] {
        try fetchAll(
            "SELECT \(PluginRow.columns) FROM plugin WHERE community BETWEEN ? AND ? ORDER BY community, id",
            [slugs.lowerBound, slugs.upperBound], PluginRow.decode)
    }

    func allPlugins() throws -> [PluginInstance] {
        try fetchAll("SELECT \(PluginRow.columns) FROM plugin ORDER BY id", [], PluginRow.decode)
    }

    func pluginState(pluginID: Int64) throws -> [String: JSONValue] {
        let entries = try fetchAll("SELECT key, value FROM plugin_state WHERE plugin_id = ?", [pluginID]) { row in
            (try row.decode(String.self, atIndex: 0), try StoredJSON.value(row, 1, column: "plugin_state.value"))
        }
        return Dictionary(entries, uniquingKeysWith: { _, last in last })
    }

    func pluginState(pluginID: Int64, key: String) throws -> JSONValue? {
        try fetchOne("SELECT value FROM plugin_state WHERE plugin_id = ? AND key = ?", [pluginID, key]) { row in
            try StoredJSON.value(row, 0, column: "plugin_state.value")
        }
    }
}

extension SQLiteWriter {
    func insertPlugin(community: String, name: String, communityPlatformID: String?, config: JSONValue) throws
        -> PluginInstance
    {
        let now = StoredTime.now()
        try translatingConstraints(
            alreadyExists: {
                PluginRow.describe(name: name, community: community, communityPlatformID: communityPlatformID)
            },
            notFound: { CommunityRow.describe(community) }
        ) {
            try execute(
                """
                INSERT INTO plugin (community, name, community_platform_id, config, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [community, name, communityPlatformID, StoredJSON.text(config), now, now])
        }
        return PluginInstance(
            id: db.lastInsertedRowID, community: community, name: name, communityPlatformID: communityPlatformID,
            config: config, createdAt: StoredTime.date(now), updatedAt: StoredTime.date(now))
    }

    func updatePlugin(id: Int64, communityPlatformID: String?, config: JSONValue) throws -> PluginInstance {
        let updated = try translatingConstraints(
            alreadyExists: {
                try plugin(id: id).map {
                    PluginRow.describe(name: $0.name, community: $0.community, communityPlatformID: communityPlatformID)
                }
            }
        ) {
            try fetchOne(
                """
                UPDATE plugin SET community_platform_id = ?, config = ?, updated_at = ? WHERE id = ?
                RETURNING \(PluginRow.columns)
                """,
                [communityPlatformID, StoredJSON.text(config), StoredTime.now(), id], PluginRow.decode)
        }
        guard let updated else { throw StoreError.notFound(PluginRow.describe(id: id)) }
        return updated
    }

    func deletePlugin(id: Int64) throws -> Bool {
        // Foreign keys cascade to the state and the processes; events stay in the log.
        try executeCountingChanges("DELETE FROM plugin WHERE id = ?", [id]) > 0
    }

    /// Checks what the unit of work read, then writes only the changed keys; the plugin's `updated_at` tracks
    /// its config and is left alone. A missing instance is found by the foreign key of the keys written (or, when
    /// the unit only removes keys, by a lookup).
    func updatePluginState(pluginID: Int64, changes: [String: JSONValue?], expecting: StateExpectations) throws {
        let notFound = StoreError.notFound(PluginRow.describe(id: pluginID))
        if changes.values.allSatisfy({ $0 == nil }), try !exists("SELECT 1 FROM plugin WHERE id = ?", [pluginID]) {
            throw notFound
        }
        let holds = try expecting.hold(
            value: { try pluginState(pluginID: pluginID, key: $0) }, whole: { try pluginState(pluginID: pluginID) })
        guard holds else { throw StoreError.conflict("state of \(PluginRow.describe(id: pluginID))") }
        try translatingConstraints(notFound: { PluginRow.describe(id: pluginID) }) {
            try writeKeyed(changes, into: .pluginState, pluginID)
        }
    }
}
