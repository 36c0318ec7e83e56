import GRDB
import MetagovCore

extension SQLiteStore {
    /// Hands every row of `table` (its columns as listed) to `body`, `batchSize` rows at a time, from one
    /// snapshot; for `metagovd migrate-data`. Blocks the calling thread.
    package func exportRows(
        of table: StoredTables.Table, batchSize: Int, _ body: ([[StoredValue]]) throws -> Void
    ) throws {
        try exportSnapshot { db in
            let sql = "SELECT \(table.columns.map(\.name).joined(separator: ", ")) FROM \(table.name)"
            let rows = try Row.fetchCursor(db, sql: sql)
            var batch: [[StoredValue]] = []
            batch.reserveCapacity(batchSize)
            while let row = try rows.next() {
                batch.append(row.databaseValues.map(Self.stored))
                if batch.count == batchSize {
                    try body(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try body(batch) }
        }
    }

    /// How many rows `table` holds.
    package func rowCount(of table: StoredTables.Table) throws -> Int64 {
        try exportSnapshot { try Int64.fetchOne($0, sql: "SELECT count(*) FROM \(table.name)") ?? 0 }
    }

    /// The event log's counters.
    package func eventLogCounters() throws -> EventLogCounters {
        try exportSnapshot { db in
            EventLogCounters(
                lastCursor: try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'event'") ?? 0,
                prunedThrough: try Int64.fetchOne(db, sql: "SELECT pruned_through FROM event_log_state WHERE id = 1") ?? 0)
        }
    }

    private static func stored(_ value: DatabaseValue) -> StoredValue {
        switch value.storage {
        case .int64(let integer): .integer(integer)
        case .double(let real): .real(real)
        case .string(let text): .text(text)
        case .blob(let data): .text(String(decoding: data, as: UTF8.self))
        case .null: .null
        }
    }
}
