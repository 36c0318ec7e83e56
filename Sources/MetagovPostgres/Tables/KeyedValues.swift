import MetagovCore
import PostgresNIO

/// Keyed values of one owner (a plugin instance's `plugin_state`, a process's `process_entry`): rows of
/// (owner, key, JSON text), read and written many keys per statement.
extension PostgresReading {
    /// The values of `keys` that exist, by key, from `sql` (which selects `key, value` given the owner as `$1`
    /// and the keys as a `text[]` `$2`); no statement when `keys` is empty.
    func keyedValues(_ sql: String, owner: Int64, keys: [String]) throws -> [String: JSONValue] {
        guard !keys.isEmpty else { return [:] }
        return try keyedValues(connection.run(sql, binds(owner, keys)))
    }

    /// The values of a statement's rows of `key, value`, by key.
    func keyedValues(_ result: PostgresQueryResult) throws -> [String: JSONValue] {
        let rows = try result.rows.map { row in
            let row = row.makeRandomAccess()
            return (try row.value(0, as: String.self), try row.json(1))
        }
        return Dictionary(rows, uniquingKeysWith: { _, last in last })
    }
}

extension PostgresWriter {
    /// Applies `changes` to the rows of `owner` in `table` (a `nil` value deletes the key): one statement inserts
    /// or replaces every key set, one deletes every key removed, both sent without waiting. A missing owner fails
    /// the insert with a foreign key violation, which fails the unit with ``StoreError/notFound(_:)`` naming
    /// `notFound`.
    func sendKeyedValues(
        _ changes: [String: JSONValue?], owner: Int64, table: String, ownerColumn: String, notFound: String
    ) {
        let set = changes.compactMap { key, value in value.map { (key, StoredJSON.text($0)) } }
        let removed = changes.filter { $0.value == nil }.map(\.key)
        if !set.isEmpty {
            send(
                """
                INSERT INTO \(table) (\(ownerColumn), key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS s(k, v)
                ON CONFLICT (\(ownerColumn), key) DO UPDATE SET value = excluded.value
                """,
                binds(owner, set.map(\.0), set.map(\.1)), independentOf: .otherThanProcessRows, notFound: notFound)
        }
        if !removed.isEmpty {
            send(
                "DELETE FROM \(table) WHERE \(ownerColumn) = $1 AND key = ANY($2::text[])", binds(owner, removed),
                independentOf: .otherThanProcessRows)
        }
    }
}
