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

    func allPlugins() throws -> [PluginInstance] {
        try fetchAll("SELECT \(PluginRow.columns) FROM plugin ORDER BY id", PostgresBindings(), PluginRow.decode)
    }

    func pluginState(pluginID: Int64) throws -> [String: JSONValue] {
        let entries = try fetchAll("SELECT key, value FROM plugin_state WHERE plugin_id = $1", binds(pluginID)) { row in
            (try row.value(0, as: String.self), try row.json(1))
        }
        return Dictionary(entries, uniquingKeysWith: { _, last in last })
    }

    func pluginStateVersion(pluginID: Int64) throws -> Int64? {
        try fetchValue("SELECT state_version FROM plugin WHERE id = $1", binds(pluginID))
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
            INSERT INTO plugin (community, name, community_platform_id, config, state_version, created_at, updated_at)
            SELECT slug, $2, $3, $4, 0, $5, $5 FROM community WHERE slug = $1
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
        let deleted = try execute("DELETE FROM plugin WHERE id = $1", binds(id)) > 0
        if deleted { effects.pluginInstancesChanged = true }
        return deleted
    }

    /// Bumps the state version first (checking the expected one in the same statement), then applies every
    /// change in one statement.
    @discardableResult
    func updatePluginState(pluginID: Int64, changes: [String: JSONValue?], expectedVersion: Int64?) throws -> Int64 {
        let newVersion: Int64? = try fetchValue(
            """
            UPDATE plugin SET state_version = state_version + 1
            WHERE id = $1 AND ($2::bigint IS NULL OR state_version = $2) RETURNING state_version
            """,
            binds(pluginID, expectedVersion))
        guard let newVersion else {
            guard try pluginStateVersion(pluginID: pluginID) != nil else {
                throw StoreError.notFound(PluginRow.describe(id: pluginID))
            }
            throw StoreError.conflict("state of \(PluginRow.describe(id: pluginID))")
        }
        let set = changes.compactMap { key, value in value.map { (key, StoredJSON.text($0)) } }
        let removed = changes.filter { $0.value == nil }.map(\.key)
        if !set.isEmpty {
            try execute(
                """
                INSERT INTO plugin_state (plugin_id, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS s(k, v)
                ON CONFLICT (plugin_id, key) DO UPDATE SET value = excluded.value
                """,
                binds(pluginID, set.map(\.0), set.map(\.1)))
        }
        if !removed.isEmpty {
            try execute("DELETE FROM plugin_state WHERE plugin_id = $1 AND key = ANY($2::text[])", binds(pluginID, removed))
        }
        return newVersion
    }
}
