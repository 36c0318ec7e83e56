import MetagovCore

extension SQLiteWriter {
    /// Writes keyed values (plugin state, process entries) of one owner: each key of `changes` set to its value,
    /// or deleted for `nil`. `table` has columns `owner`, `key` and `value`, its primary key (`owner`, `key`).
    func writeKeyed(_ changes: [String: JSONValue?], table: String, owner: String, _ ownerID: Int64) throws {
        for (key, value) in changes {
            if let value {
                try execute(
                    """
                    INSERT INTO \(table) (\(owner), key, value) VALUES (?, ?, ?)
                    ON CONFLICT (\(owner), key) DO UPDATE SET value = excluded.value
                    """,
                    [ownerID, key, StoredJSON.text(value)])
            } else {
                try execute("DELETE FROM \(table) WHERE \(owner) = ? AND key = ?", [ownerID, key])
            }
        }
    }
}
