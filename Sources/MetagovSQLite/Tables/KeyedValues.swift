import MetagovCore

/// A table of keyed values (plugin state, process entries): columns owner, `key` and `value`, primary key
/// (owner, `key`). Its statements are built once, not per write.
struct KeyedTable: Sendable {
    static let pluginState = KeyedTable(table: "plugin_state", owner: "plugin_id")
    static let processEntry = KeyedTable(table: "process_entry", owner: "process_id")

    let upsert: String
    let delete: String

    private init(table: String, owner: String) {
        upsert = """
            INSERT INTO \(table) (\(owner), key, value) VALUES (?, ?, ?)
            ON CONFLICT (\(owner), key) DO UPDATE SET value = excluded.value
            """
        delete = "DELETE FROM \(table) WHERE \(owner) = ? AND key = ?"
    }
}

extension SQLiteWriter {
    /// Writes keyed values of one owner into `table`: each key of `changes` (but those in `written`, a short list
    /// of keys already written) set to its value, or deleted for `nil`.
    func writeKeyed(
        _ changes: [String: JSONValue?], into table: KeyedTable, _ ownerID: Int64, except written: [String] = []
    ) throws {
        for (key, value) in changes where !written.contains(key) {
            if let value {
                try execute(table.upsert, [ownerID, key, StoredJSON.text(value)])
            } else {
                try execute(table.delete, [ownerID, key])
            }
        }
    }
}
