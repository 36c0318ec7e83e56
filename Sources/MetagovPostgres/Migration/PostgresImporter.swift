import Logging
import MetagovCore
import PostgresNIO

/// Loads rows copied from another store into a PostgreSQL database, in one transaction holding the write lock
/// (so a failed copy leaves the target as it was); for `metagovd migrate-data`. Blocks the calling thread.
package final class PostgresImporter {
    private let connection: BlockingConnection

    /// Connects and migrates the target to the current schema.
    package init(url: PostgresURL, options: PostgresStoreOptions) throws {
        connection = try BlockingConnection(url: url, options: options, logger: Logger(label: "metagov.migrate-data"))
        try Migrator.migrate(connection)
    }

    deinit { connection.close() }

    /// How many rows each table holds, and the event log's counters: what "empty" is judged by.
    package func counts() throws -> ([String: Int64], EventLogCounters) {
        var counts: [String: Int64] = [:]
        for table in StoredTables.all {
            counts[table.name] = try connection.run("SELECT count(*) FROM \(table.name)").rows.first?
                .makeRandomAccess().value(0, as: Int64.self) ?? 0
        }
        let counters = try connection.run("SELECT last_cursor, pruned_through FROM event_log_state WHERE id = 1").rows.first
            .map { row in
                let row = row.makeRandomAccess()
                return EventLogCounters(lastCursor: try row.value(0), prunedThrough: try row.value(1))
            } ?? EventLogCounters(lastCursor: 0, prunedThrough: 0)
        return (counts, counters)
    }

    /// Starts the copy: a transaction holding the write lock; with `replacing`, everything there is deleted first.
    package func begin(replacing: Bool) throws {
        try connection.open()
        connection.send("BEGIN")
        try connection.run("SELECT pg_advisory_xact_lock($1)", binds(AdvisoryLock.write))
        if replacing {
            try connection.run("TRUNCATE \(StoredTables.all.map(\.name).joined(separator: ", ")) RESTART IDENTITY")
            try connection.run("UPDATE event_log_state SET last_cursor = 0, pruned_through = 0 WHERE id = 1")
        }
    }

    /// Inserts `rows` (columns in the table's order) with as few statements as the parameter limit allows.
    package func insert(_ rows: [[StoredValue]], into table: StoredTables.Table) throws {
        let perStatement = max(1, Int(UInt16.max) / table.columns.count)
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + perStatement)]
            var bindings = PostgresBindings(capacity: chunk.count * table.columns.count)
            var tuples: [String] = []
            tuples.reserveCapacity(chunk.count)
            for row in chunk {
                var placeholders: [String] = []
                for (value, column) in zip(row, table.columns) {
                    try Self.bind(value, as: column.kind, column: "\(table.name).\(column.name)", into: &bindings)
                    placeholders.append("$\(bindings.count)")
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            try connection.run(
                "INSERT INTO \(table.name) (\(table.columns.map(\.name).joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))",
                bindings)
            start += chunk.count
        }
    }

    /// Ends the copy: the event log's counters, identity sequences after the copied ids, commit.
    package func commit(counters: EventLogCounters) throws {
        try connection.run(
            "UPDATE event_log_state SET last_cursor = greatest($1, (SELECT coalesce(max(cursor), 0) FROM event)), pruned_through = $2 WHERE id = 1",
            binds(counters.lastCursor, counters.prunedThrough))
        for table in StoredTables.all {
            guard let identity = table.identity else { continue }
            try connection.run(
                """
                SELECT setval(pg_get_serial_sequence('\(table.name)', '\(identity)'),
                              greatest((SELECT coalesce(max(\(identity)), 0) FROM \(table.name)), 1),
                              (SELECT count(*) > 0 FROM \(table.name)))
                """)
        }
        try connection.run("COMMIT")
    }

    /// Abandons the copy.
    package func rollback() {
        connection.finish()
    }

    private static func bind(_ value: StoredValue, as kind: StoredTables.Kind, column: String, into bindings: inout PostgresBindings) throws {
        switch (value, kind) {
        case (.null, _): bindings.appendNull()
        case (.integer(let integer), .integer): bindings.append(integer)
        case (.integer(let integer), .real): bindings.append(Double(integer))
        case (.real(let real), .real): bindings.append(real)
        case (.real(let real), .integer) where real == real.rounded() && abs(real) < 9.2e18: bindings.append(Int64(real))
        case (.text(let text), .text): bindings.append(text)
        case (.integer(let integer), .text): bindings.append(String(integer))
        case (.real(let real), .text): bindings.append(String(real))
        default: throw PostgresStoreError.storedValue("column \(column) holds \(value), which is not \(kind)")
        }
    }
}
