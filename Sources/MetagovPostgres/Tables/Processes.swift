import MetagovCore
import PostgresNIO

/// Reading and writing the `process` table.
enum ProcessRow {
    static let columns = """
        id, plugin_id, community, plugin, name, status, outcome, errors, state, callback_url, created_at, \
        updated_at, version
        """

    static func decode(_ row: PostgresRandomAccessRow) throws -> GovernanceProcess {
        GovernanceProcess(
            id: try row.value(0), pluginID: try row.value(1), community: try row.value(2), plugin: try row.value(3),
            name: try row.value(4), status: try row.rawValue(5, as: ProcessStatus.self), outcome: try row.optionalJSON(6),
            errors: try row.optionalJSON(7), state: try row.jsonObject(8), callbackURL: try row.value(9),
            createdAt: try row.date(10), updatedAt: try row.date(11), version: try row.value(12))
    }

    static func describe(id: Int64) -> String { "process \(id)" }
}

extension PostgresReading {
    func process(id: Int64) throws -> GovernanceProcess? {
        try fetchOne("SELECT \(ProcessRow.columns) FROM process WHERE id = $1", binds(id), ProcessRow.decode)
    }

    func processes(matching filter: ProcessFilter, afterID: Int64?, limit: Int) throws -> [GovernanceProcess] {
        var conditions = Conditions()
        conditions.add("id > ?", ifPresent: afterID)
        conditions.add("community = ?", ifPresent: filter.community)
        conditions.add("plugin = ?", ifPresent: filter.plugin)
        conditions.add("plugin_id = ?", ifPresent: filter.pluginID)
        conditions.add("name = ?", ifPresent: filter.name)
        conditions.add("status = ?", ifPresent: filter.status?.rawValue)
        let limitParameter = conditions.next(sqlLimit(limit))
        return try fetchAll(
            "SELECT \(ProcessRow.columns) FROM process WHERE \(conditions.sql) ORDER BY id LIMIT \(limitParameter)",
            conditions.binds, ProcessRow.decode)
    }
}

extension PostgresWriter {
    /// One statement: the community and plugin name are copied from the plugin row, whose absence means the
    /// plugin does not exist.
    func insertProcess(
        pluginID: Int64, name: String, status: ProcessStatus, outcome: JSONValue?, errors: JSONValue?,
        state: [String: JSONValue], callbackURL: String?
    ) throws -> GovernanceProcess {
        let now = StoredTime.now()
        let inserted = try fetchOne(
            """
            INSERT INTO process (plugin_id, community, plugin, name, status, outcome, errors, state, callback_url,
                                 created_at, updated_at, version)
            SELECT id, community, name, $1, $2, $3, $4, $5, $6, $7, $7, 1 FROM plugin WHERE id = $8
            RETURNING \(ProcessRow.columns)
            """,
            binds(name, status.rawValue, StoredJSON.text(outcome), StoredJSON.text(errors), StoredJSON.text(state),
                  callbackURL, now, pluginID),
            ProcessRow.decode)
        guard let inserted else { throw StoreError.notFound(PluginRow.describe(id: pluginID)) }
        return inserted
    }

    /// One statement checks the version and increments it, so two writers cannot both succeed from the same
    /// version.
    func updateProcess(_ process: GovernanceProcess) throws -> GovernanceProcess {
        let updated = try fetchOne(
            """
            UPDATE process SET status = $1, outcome = $2, errors = $3, state = $4, updated_at = $5, version = version + 1
            WHERE id = $6 AND version = $7
            RETURNING \(ProcessRow.columns)
            """,
            binds(process.status.rawValue, StoredJSON.text(process.outcome), StoredJSON.text(process.errors),
                  StoredJSON.text(process.state), StoredTime.now(), process.id, process.version),
            ProcessRow.decode)
        if let updated { return updated }
        guard try exists("SELECT 1 FROM process WHERE id = $1", binds(process.id)) else {
            throw StoreError.notFound(ProcessRow.describe(id: process.id))
        }
        throw StoreError.conflict(ProcessRow.describe(id: process.id))
    }

    func deleteProcess(id: Int64) throws -> Bool {
        try execute("DELETE FROM process WHERE id = $1", binds(id)) > 0
    }
}
