import MetagovCore
import PostgresNIO

/// Reading and writing the `process` table.
enum ProcessRow {
    static let columns = """
        id, plugin_id, community, plugin, name, status, outcome, errors, state, callback_url, created_at, \
        updated_at, version, url
        """

    static func decode(_ row: PostgresRandomAccessRow) throws -> GovernanceProcess {
        GovernanceProcess(
            id: try row.value(0), pluginID: try row.value(1), community: try row.value(2), plugin: try row.value(3),
            name: try row.value(4), status: try row.rawValue(5, as: ProcessStatus.self), outcome: try row.optionalJSON(6),
            errors: try row.optionalJSON(7), state: try row.jsonObject(8), callbackURL: try row.value(9),
            createdAt: try row.date(10), updatedAt: try row.date(11), version: try row.value(12), url: try row.value(13))
    }

    static func describe(id: Int64) -> String { "process \(id)" }
}

extension PostgresReading {
    func process(id: Int64) throws -> GovernanceProcess? {
        try fetchOne("SELECT \(ProcessRow.columns) FROM process WHERE id = $1", binds(id), ProcessRow.decode)
    }

    func processEntry(processID: Int64, key: String) throws -> JSONValue? {
        try fetchOne("SELECT value FROM process_entry WHERE process_id = $1 AND key = $2", binds(processID, key)) { try $0.json(0) }
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
        state: JSONObject, callbackURL: String?
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

    /// The stored process is `process` as given, stamped now, version 1 (built here rather than read back, so its
    /// JSON is not parsed again). Its community and plugin name must be its instance's (foreign keys check that
    /// the instance and the community exist). Held back and sent with the inserts of the next units (see
    /// ``HeldBackWrites``): a taken id or a missing instance fails the unit when the statement settles.
    func insertProcess(_ process: GovernanceProcess) throws -> GovernanceProcess {
        let now = StoredTime.now()
        heldBack.insert(process, stamped: now, on: connection)
        var inserted = process
        (inserted.createdAt, inserted.updatedAt, inserted.version) = (StoredTime.date(now), StoredTime.date(now), 1)
        batch.learn(BatchKnowledge.ProcessColumns(inserted), ofProcess: inserted.id)
        return inserted
    }

    /// Takes the ids from the sequence that gives `process` its ids, so that neither an insert without an id nor
    /// another reservation (of any gateway) gets them: one `nextval`, then the sequence moved past the block. The
    /// block is contiguous because every write transaction of the cluster holds the write lock (nothing else
    /// draws from the sequence meanwhile).
    func reserveProcessIDs(count: Int) throws -> ClosedRange<Int64> {
        let count = Int64(max(1, count))
        let last: Int64? = try fetchValue(
            "SELECT setval(s, nextval(s) + $1 - 1) FROM CAST(pg_get_serial_sequence('process', 'id') AS regclass) AS s",
            binds(count))
        guard let last else { throw PostgresStoreError.storedValue("the process table has no id sequence") }
        return (last - count + 1)...last
    }

    /// One statement checks the version and increments it, so two writers cannot both succeed from the same
    /// version. The returned process is the stored one, its JSON taken from `process` rather than parsed again.
    /// When the batch already wrote the process (and so knows the columns an update leaves alone, and that it
    /// exists), the update is held back (``HeldBackWrites``): a version that moved on fails it when it settles.
    func updateProcess(_ process: GovernanceProcess) throws -> GovernanceProcess {
        let now = StoredTime.now()
        var updated = process
        updated.updatedAt = StoredTime.date(now)
        updated.version = process.version + 1
        let values = binds(
            process.status.rawValue, StoredJSON.text(process.outcome), StoredJSON.text(process.errors),
            StoredJSON.text(process.state), process.url, now, process.id, process.version)
        let update = """
            UPDATE process SET status = $1, outcome = $2, errors = $3, state = $4, url = $5, updated_at = $6,
                               version = version + 1
            WHERE id = $7 AND version = $8
            """
        if let known = batch.columns(ofProcess: process.id) {
            // The batch wrote the process and deleted none since: held back, with the next units' updates of it.
            heldBack.update(process, stamped: now, on: connection)
            effects.stateChanged = true
            return known.applied(to: updated)
        }
        let stored = try fetchOne("\(update) RETURNING plugin_id, community, plugin, name, callback_url, created_at", values) { row in
            BatchKnowledge.ProcessColumns(
                pluginID: try row.value(0), community: try row.value(1), plugin: try row.value(2), name: try row.value(3),
                callbackURL: try row.value(4), createdAt: try row.date(5))
        }
        guard let stored else {
            guard try exists("SELECT 1 FROM process WHERE id = $1", binds(process.id)) else {
                throw StoreError.notFound(ProcessRow.describe(id: process.id))
            }
            throw StoreError.conflict(ProcessRow.describe(id: process.id))
        }
        batch.learn(stored, ofProcess: process.id)
        effects.stateChanged = true
        return stored.applied(to: updated)
    }

    func deleteProcess(id: Int64) throws -> Bool {
        batch.forgetProcesses()
        let deleted = try execute("DELETE FROM process WHERE id = $1", binds(id)) > 0
        if deleted { effects.stateChanged = true }
        return deleted
    }

    /// Checks the entries the unit of work read, then writes the changed ones: an entry the batch wrote is
    /// checked here, the others by one statement sent without waiting (a changed entry fails the unit with a
    /// conflict when it settles); the writes are held back and sent with the next units' (``HeldBackWrites``). A
    /// missing process is found by the foreign key of the entries written (or, when the unit only removes or
    /// reads entries, by a lookup).
    func updateProcessEntries(processID: Int64, changes: [String: JSONValue?], expecting: [String: JSONValue?]) throws {
        if changes.values.allSatisfy({ $0 == nil }) {
            send("SELECT 1 FROM process WHERE id = $1", binds(processID), independentOf: .otherThanProcessRows) { result in
                if result.rows.isEmpty { throw StoreError.notFound(ProcessRow.describe(id: processID)) }
            }
        }
        var unknown: [String: JSONValue?] = [:]
        for (key, expected) in expecting {
            guard let written = batch.entry(BatchKnowledge.EntryKey(processID: processID, key: key)) else {
                unknown[key] = expected
                continue
            }
            if written != expected { throw StoreError.conflict("entry '\(key)' of \(ProcessRow.describe(id: processID))") }
        }
        if !unknown.isEmpty {
            send(
                "SELECT key, value FROM process_entry WHERE process_id = $1 AND key = ANY($2::text[])",
                binds(processID, Array(unknown.keys)), independentOf: .otherThanProcessRows
            ) { result in
                let read = try keyedValues(result)
                for (key, expected) in unknown where read[key] != expected {
                    throw StoreError.conflict("entry '\(key)' of \(ProcessRow.describe(id: processID))")
                }
            }
        }
        for (key, value) in changes { batch.learn(entry: BatchKnowledge.EntryKey(processID: processID, key: key), value) }
        heldBack.write(entries: changes, ofProcess: processID, on: connection)
        if !changes.isEmpty { effects.stateChanged = true }
    }
}
