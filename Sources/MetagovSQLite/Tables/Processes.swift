import GRDB
import MetagovCore

/// Reading and writing the `process` table.
enum ProcessRow {
    static let columns = """
        id, plugin_id, community, plugin, name, status, outcome, errors, state, callback_url, created_at, \
        updated_at, version, url
        """

    static func decode(_ row: StoredRow) throws -> GovernanceProcess {
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

    func processEntry(processID: Int64, key: String) throws -> JSONValue? {
        try fetchOne("SELECT value FROM process_entry WHERE process_id = ? AND key = ?", [processID, key]) { row in
            try StoredJSON.value(row, 0, column: "process_entry.value")
        }
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
        state: JSONObject, callbackURL: String?
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

    /// The stored process is `process` as given, stamped now, version 1 (built here rather than read back, so its
    /// JSON is not parsed again). Its community and plugin name must be its instance's (foreign keys check that
    /// the instance and the community exist).
    func insertProcess(_ process: GovernanceProcess) throws -> GovernanceProcess {
        let now = StoredTime.now()
        try translatingConstraints(
            alreadyExists: { ProcessRow.describe(id: process.id) }, notFound: { PluginRow.describe(id: process.pluginID) }
        ) {
            try execute(
                """
                INSERT INTO process (id, plugin_id, community, plugin, name, status, outcome, errors, state,
                                     callback_url, created_at, updated_at, version, url)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                """,
                [process.id, process.pluginID, process.community, process.plugin, process.name, process.status.rawValue,
                 StoredJSON.text(process.outcome), StoredJSON.text(process.errors), StoredJSON.text(process.state),
                 process.callbackURL, now, now, process.url])
        }
        var inserted = process
        (inserted.createdAt, inserted.updatedAt, inserted.version) = (StoredTime.date(now), StoredTime.date(now), 1)
        return inserted
    }

    /// Moves AUTOINCREMENT's high-water mark of `process` past the reserved ids, so that neither an insert
    /// without an id nor another reservation (of any process sharing the file) gets them.
    func reserveProcessIDs(count: Int) throws -> ClosedRange<Int64> {
        let count = Int64(max(1, count))
        try execute(
            """
            INSERT INTO sqlite_sequence (name, seq)
            SELECT 'process', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'process')
            """)
        let last = try fetchOne(
            """
            UPDATE sqlite_sequence SET seq = max(seq, (SELECT ifnull(max(id), 0) FROM process)) + ?
            WHERE name = 'process' RETURNING seq
            """,
            [count]) { try $0.decode(Int64.self, atIndex: 0) }
        guard let last else { throw StoredValueError(description: "sqlite_sequence has no row for 'process'") }
        return (last - count + 1)...last
    }

    /// One statement checks the version and increments it, so two writers cannot both succeed from the same
    /// version. The returned process is the stored one, its JSON taken from `process` rather than parsed again.
    func updateProcess(_ process: GovernanceProcess) throws -> GovernanceProcess {
        let now = StoredTime.now()
        let stored = try fetchOne(
            """
            UPDATE process SET status = ?, outcome = ?, errors = ?, state = ?, url = ?, updated_at = ?,
                               version = version + 1
            WHERE id = ? AND version = ?
            RETURNING plugin_id, community, plugin, name, callback_url, created_at, version
            """,
            [process.status.rawValue, StoredJSON.text(process.outcome), StoredJSON.text(process.errors),
             StoredJSON.text(process.state), process.url, now, process.id, process.version]
        ) { row in
            var updated = process
            updated.pluginID = try row.decode(atIndex: 0)
            (updated.community, updated.plugin, updated.name) = (try row.decode(atIndex: 1), try row.decode(atIndex: 2), try row.decode(atIndex: 3))
            updated.callbackURL = try row.decode(atIndex: 4)
            (updated.createdAt, updated.updatedAt) = (try StoredTime.date(row, 5), StoredTime.date(now))
            updated.version = try row.decode(atIndex: 6)
            return updated
        }
        if let stored { return stored }
        guard try exists("SELECT 1 FROM process WHERE id = ?", [process.id]) else {
            throw StoreError.notFound(ProcessRow.describe(id: process.id))
        }
        throw StoreError.conflict(ProcessRow.describe(id: process.id))
    }

    func deleteProcess(id: Int64) throws -> Bool {
        try executeCountingChanges("DELETE FROM process WHERE id = ?", [id]) > 0
    }

    /// A missing process is found by the foreign key of the entries written (or, when the unit only removes or
    /// reads entries, by a lookup).
    ///
    /// An entry both read and written is checked by the write itself (an update or delete conditional on the stored
    /// text, an insert that does nothing if a row exists): one statement, no read. When that changes no row the
    /// entry is read and compared as a value (its text may differ from this writer's for an equal value).
    func updateProcessEntries(processID: Int64, changes: [String: JSONValue?], expecting: [String: JSONValue?]) throws {
        if changes.values.allSatisfy({ $0 == nil }), try !exists("SELECT 1 FROM process WHERE id = ?", [processID]) {
            throw StoreError.notFound(ProcessRow.describe(id: processID))
        }
        try translatingConstraints(notFound: { ProcessRow.describe(id: processID) }) {
            var written: [String] = []
            for (key, expected) in expecting {
                if let change = changes[key], try writeEntry(processID, key, change, ifStored: expected) {
                    written.append(key)
                } else if try processEntry(processID: processID, key: key) != expected {
                    throw StoreError.conflict("entry '\(key)' of \(ProcessRow.describe(id: processID))")
                }
            }
            try writeKeyed(changes, into: .processEntry, processID, except: written)
        }
    }

    /// Writes `value` (`nil`: removes the entry) only if the entry is stored as `expected` (`nil`: absent) with
    /// this writer's text; returns whether it did.
    private func writeEntry(_ processID: Int64, _ key: String, _ value: JSONValue?, ifStored expected: JSONValue?) throws -> Bool {
        let changed: Int
        switch (expected, value) {
        case (nil, nil):
            return false
        case (nil, let value?):
            changed = try executeCountingChanges(
                "INSERT INTO process_entry (process_id, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [processID, key, StoredJSON.text(value)])
        case (let expected?, let value?):
            changed = try executeCountingChanges(
                "UPDATE process_entry SET value = ? WHERE process_id = ? AND key = ? AND value = ?",
                [StoredJSON.text(value), processID, key, StoredJSON.text(expected)])
        case (let expected?, nil):
            changed = try executeCountingChanges(
                "DELETE FROM process_entry WHERE process_id = ? AND key = ? AND value = ?",
                [processID, key, StoredJSON.text(expected)])
        }
        return changed == 1
    }
}
