import GRDB
import MetagovCore

extension SQLiteAccess {
    private static func process(_ row: Row) -> GovernanceProcess {
        GovernanceProcess(
            id: row["id"], pluginID: row["plugin_id"], community: row["community"], plugin: row["plugin"],
            name: row["name"], status: ProcessStatus(rawValue: row["status"]) ?? .created,
            outcome: Column.json(row["outcome"] as String?), errors: Column.json(row["errors"] as String?),
            state: Column.json(row["state"] as String?)?.objectValue ?? [:], callbackURL: row["callback_url"],
            createdAt: Column.date(row["created_at"]), updatedAt: Column.date(row["updated_at"]), version: row["version"])
    }

    func process(id: Int64) throws -> GovernanceProcess? {
        try row("SELECT * FROM process WHERE id = ?", [id]).map(Self.process)
    }

    func processes(matching filter: ProcessFilter, afterID: Int64?, limit: Int) throws -> [GovernanceProcess] {
        var conditions = ["id > ?"]
        var arguments: StatementArguments = [afterID ?? 0]
        if let community = filter.community { conditions.append("community = ?"); arguments += [community] }
        if let plugin = filter.plugin { conditions.append("plugin = ?"); arguments += [plugin] }
        if let pluginID = filter.pluginID { conditions.append("plugin_id = ?"); arguments += [pluginID] }
        if let name = filter.name { conditions.append("name = ?"); arguments += [name] }
        if let status = filter.status { conditions.append("status = ?"); arguments += [status.rawValue] }
        arguments += [limit]
        let sql = "SELECT * FROM process WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?"
        return try rows(sql, arguments).map(Self.process)
    }

    func insertProcess(
        pluginID: Int64, name: String, status: ProcessStatus, outcome: JSONValue?, errors: JSONValue?,
        state: [String: JSONValue], callbackURL: String?
    ) throws -> GovernanceProcess {
        guard let plugin = try plugin(id: pluginID) else { throw StoreError.notFound("plugin instance \(pluginID)") }
        let now = self.now
        try execute(
            """
            INSERT INTO process (plugin_id, community, plugin, name, status, outcome, errors, state, callback_url,
                                 created_at, updated_at, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            """,
            [pluginID, plugin.community, plugin.name, name, status.rawValue, outcome.map(Column.json),
             errors.map(Column.json), Column.json(.object(state)), callbackURL, now, now])
        guard let inserted = try process(id: db.lastInsertedRowID) else { throw StoreError.notFound("new process") }
        return inserted
    }

    func updateProcess(_ process: GovernanceProcess) throws -> GovernanceProcess {
        try execute(
            """
            UPDATE process SET status = ?, outcome = ?, errors = ?, state = ?, updated_at = ?, version = version + 1
            WHERE id = ? AND version = ?
            """,
            [process.status.rawValue, process.outcome.map(Column.json), process.errors.map(Column.json),
             Column.json(.object(process.state)), process.updatedAt.timeIntervalSince1970, process.id, process.version])
        guard db.changesCount > 0 else {
            guard try self.process(id: process.id) != nil else { throw StoreError.notFound("process \(process.id)") }
            throw StoreError.conflict("process \(process.id)")
        }
        guard let updated = try self.process(id: process.id) else { throw StoreError.notFound("process \(process.id)") }
        return updated
    }

    func deleteProcess(id: Int64) throws -> Bool {
        try execute("DELETE FROM process WHERE id = ?", [id])
        return db.changesCount > 0
    }
}
