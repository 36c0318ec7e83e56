import GRDB
import MetagovCore

/// Reading and writing the `remote_plugin_type` table: the definitions plugin hosts registered.
extension SQLiteReading {
    func remotePluginTypeDefinitions() throws -> [String: JSONValue] {
        let rows = try fetchAll("SELECT name, definition FROM remote_plugin_type ORDER BY name", []) { row in
            (try row.decode(String.self, atIndex: 0), try StoredJSON.value(row, 1, column: "remote_plugin_type.definition"))
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }
}

extension SQLiteWriter {
    func saveRemotePluginTypeDefinition(name: String, definition: JSONValue) throws {
        try execute(
            """
            INSERT INTO remote_plugin_type (name, definition, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at
            """,
            [name, StoredJSON.text(definition), StoredTime.now()])
    }
}
