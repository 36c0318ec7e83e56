import MetagovCore
import PostgresNIO

/// Reading and writing the `plugin` and `plugin_state` tables.
enum PluginRow {
    static let columns = "id, community, name, community_platform_id, config, created_at, updated_at"

    static func decode(_ row: PostgresRandomAccessRow) throws -> PluginInstance {
        PluginInstance(
            id: try row.value(0), community: try row.value(1), name: try row.value(2),
            communityPlatformID: try row.value(3), config: try row.json(4), createdAt: try row.date(5),
            updatedAt: try row.date(6))
    }

    static func describe(name: String, community: String, communityPlatformID: String?) -> String {
        "plugin '\(name)'" + (communityPlatformID.map { " (community_platform_id '\($0)')" } ?? "")
            + " in community '\(community)'"
    }

    static func describe(id: Int64) -> String { "plugin instance \(id)" }
}

extension PostgresReading {
    func plugin(id: Int64) throws -> PluginInstance? {
        try fetchOne("SELECT \(PluginRow.columns) FROM plugin WHERE id = $1", binds(id), PluginRow.decode)
    }

    func plugin(community: String, name: String, communityPlatformID: String?) throws -> PluginInstance? {
        try fetchOne(
            """
            SELECT \(PluginRow.columns) FROM plugin
            WHERE community = $1 AND name = $2 AND coalesce(community_platform_id, '') = $3
            """,
            binds(community, name, communityPlatformID ?? ""), PluginRow.decode)
    }

    func plugins(community: String, name: String) throws -> [PluginInstance] {
        try fetchAll(
            "SELECT \(PluginRow.columns) FROM plugin WHERE community = $1 AND name = $2 ORDER BY id",
            binds(community, name), PluginRow.decode)
    }

    func plugins(community: String) throws -> [PluginInstance] {
        try fetchAll("SELECT \(PluginRow.columns) FROM plugin WHERE community = $1 ORDER BY id", binds(community), PluginRow.decode)
    }

    func plugins(communities slugs: ClosedRange<String>) throws -> [PluginInstance] {
        try fetchAll(
            "SELECT \(PluginRow.columns) FROM plugin WHERE community BETWEEN $1 AND $2 ORDER BY community, id",
            binds(slugs.lowerBound, slugs.upperBound), PluginRow.decode)
    }

    func allPlugins() throws -> [PluginInstance] {
        try fetchAll("SELECT \(PluginRow.columns) FROM plugin ORDER BY id", PostgresBindings(), PluginRow.decode)
    }

    func pluginState(pluginID: Int64) throws -> [String: JSONValue] {
        let entries = try fetchAll("SELECT key, value FROM plugin_state WHERE plugin_id = $1", binds(pluginID)) { row in
            (try row.value(0, as: String.self), try row.json(1))
        }
        return Dictionary(entries, uniquingKeysWith: { _, last in last })
    }

    func pluginState(pluginID: Int64, key: String) throws -> JSONValue? {
        try fetchOne("SELECT value FROM plugin_state WHERE plugin_id = $1 AND key = $2", binds(pluginID, key)) { try $0.json(0) }
    }
}

extension PostgresWriter {
    /// One statement: the community's existence is checked in it, and a taken (community, name, platform id)
    /// inserts nothing instead of failing, so the transaction stays usable.
    func insertPlugin(community: String, name: String, communityPlatformID: String?, config: JSONValue) throws
        -> PluginInstance
    {
        let now = StoredTime.now()
        let id: Int64? = try fetchValue(
            """
            INSERT INTO plugin (community, name, community_platform_id, config, created_at, updated_at)
            SELECT slug, $2, $3, $4, $5, $5 FROM community WHERE slug = $1
            ON CONFLICT DO NOTHING RETURNING id
            """,
            binds(community, name, communityPlatformID, StoredJSON.text(config), now))
        guard let id else {
            guard try self.community(slug: community) != nil else { throw StoreError.notFound(CommunityRow.describe(community)) }
            throw StoreError.alreadyExists(
                PluginRow.describe(name: name, community: community, communityPlatformID: communityPlatformID))
        }
        effects.pluginInstancesChanged = true
        return PluginInstance(
            id: id, community: community, name: name, communityPlatformID: communityPlatformID, config: config,
            createdAt: StoredTime.date(now), updatedAt: StoredTime.date(now))
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
                UPDATE plugin SET community_platform_id = $1, config = $2, updated_at = $3 WHERE id = $4
                RETURNING \(PluginRow.columns)
                """,
                binds(communityPlatformID, StoredJSON.text(config), StoredTime.now(), id), PluginRow.decode)
        }
        guard let updated else { throw StoreError.notFound(PluginRow.describe(id: id)) }
        effects.pluginInstancesChanged = true
        return updated
    }

    func deletePlugin(id: Int64) throws -> Bool {
        // Foreign keys cascade to the state and the processes; events stay in the log.
        batch.forgetProcesses()
        let deleted = try execute("DELETE FROM plugin WHERE id = $1", binds(id)) > 0
        if deleted { (effects.pluginInstancesChanged, effects.stateChanged) = (true, true) }
        return deleted
    }

    /// Checks what the unit of work read (one statement reads every key it read), then writes the changed keys
    /// (one statement for those set, one for those removed, sent without waiting); the plugin's `updated_at` tracks its config and is
    /// left alone. A missing instance is found by the foreign key of the keys written (or, when the unit only
    /// removes keys, by a lookup).
    func updatePluginState(pluginID: Int64, changes: [String: JSONValue?], expecting: StateExpectations) throws {
        if changes.values.allSatisfy({ $0 == nil }), try !exists("SELECT 1 FROM plugin WHERE id = $1", binds(pluginID)) {
            throw StoreError.notFound(PluginRow.describe(id: pluginID))
        }
        let read = try keyedValues(
            "SELECT key, value FROM plugin_state WHERE plugin_id = $1 AND key = ANY($2::text[])", owner: pluginID,
            keys: Array(expecting.values.keys))
        guard try expecting.hold(value: { read[$0] }, whole: { try pluginState(pluginID: pluginID) }) else {
            throw StoreError.conflict("state of \(PluginRow.describe(id: pluginID))")
        }
        sendKeyedValues(
            changes, owner: pluginID, table: "plugin_state", ownerColumn: "plugin_id", notFound: PluginRow.describe(id: pluginID))
        if !changes.isEmpty { effects.stateChanged = true }
    }
}
