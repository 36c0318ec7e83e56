import GRDB
import MetagovCore

/// Reading and writing the `process` table.
enum ProcessRow {
    static let columns = """
        id, plugin_id, community, plugin, name, status, outcome, errors, state, callback_url, created_at, \
        updated_at, version, url
        """

    static func decode(_ row: Row) throws -> GovernanceProcess {
        GovernanceProcess(
            id: try row.decode(atIndex: 0), pluginID: try row.decode(atIndex: 1), community: try row.decode(atIndex: 2),
            plugin: try row.decode(atIndex: 3), name: try row.decode(atIndex: 4),
            status: try StoredEnum.decode(ProcessStatus.self, row, 5, column: "process.status"),
            outcome: try StoredJSON.optional(row, 6, column: "process.outcome"),
            errors: try StoredJSON.optional(row, 7, column: "process.errors"),
            state: try StoredJSON.object(row, 8, column: "process.state"), callbackURL: try row.decode(atIndex: 9),
            createdAt: try StoredTime.date(row, 10), updatedAt: try StoredTime.date(row, 11),
            version: try row.decode(atIndex: 12), url: try row.decode(atIndex: 13))
    }

    static func describe(id: Int64) -> String { "process \(id)" }
}

extension SQLiteReading {
    func process(id: Int64) throws -> GovernanceProcess? {
        try fetchOne("SELECT \(ProcessRow.columns) FROM process WHERE id = ?", [id], ProcessRow.decode)
    }

    func processes(matching filter: ProcessFilter, afterID: Int64?, limit: Int) throws -> [GovernanceProcess] {
        var conditions = Conditions()
        conditions.add("id > ?", ifPresent: afterID)
        conditions.add("community = ?", ifPresent: filter.community)
        conditions.add("plugin = ?", ifPresent: filter.plugin)
        conditions.add("plugin_id = ?", ifPresent: filter.pluginID)
        conditions.add("name = ?", ifPresent: filter.name)
        conditions.add("status = ?", ifPresent: filter.status?.rawValue)
        return try fetchAll(
            "SELECT \(ProcessRow.columns) FROM process WHERE \(conditions.sql) ORDER BY id LIMIT ?",
            conditions.arguments + [sqlLimit(limit)], ProcessRow.decode)
    }
}

extension SQLiteWriter {
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
            SELECT id, community, name, ?, ?, ?, ?, ?, ?, ?, ?, 1 FROM plugin WHERE id = ?
            RETURNING \(ProcessRow.columns)
            """,
            [name, status.rawValue, StoredJSON.text(outcome), StoredJSON.text(errors), StoredJSON.text(state),
             callbackURL, now, now, pluginID],
            ProcessRow.decode)
        guard let inserted else { throw StoreError.notFound(PluginRow.describe(id: pluginID)) }
        return inserted
    }

    /// One statement checks the version and increments it, so two writers cannot both succeed from the same
    /// version.
    func updateProcess(_ process: GovernanceProcess) throws -> GovernanceProcess {
        let updated = try fetchOne(
            """
            UPDATE process SET status = ?, outcome = ?, errors = ?, state = ?, url = ?, updated_at = ?,
                               version = version + 1
            WHERE id = ? AND version = ?
            RETURNING \(ProcessRow.columns)
            """,
            [process.status.rawValue, StoredJSON.text(process.outcome), StoredJSON.text(process.errors),
             StoredJSON.text(process.state), process.url, StoredTime.now(), process.id, process.version],
            ProcessRow.decode)
        if let updated { return updated }
        guard try exists("SELECT 1 FROM process WHERE id = ?", [process.id]) else {
            throw StoreError.notFound(ProcessRow.describe(id: process.id))
        }
        throw StoreError.conflict(ProcessRow.describe(id: process.id))
    }

    func deleteProcess(id: Int64) throws -> Bool {
        try executeCountingChanges("DELETE FROM process WHERE id = ?", [id]) > 0
    }
}
