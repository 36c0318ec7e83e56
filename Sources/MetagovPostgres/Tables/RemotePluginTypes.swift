import MetagovCore
import PostgresNIO

/// Reading and writing the `remote_plugin_type` table: the definitions plugin hosts registered.
extension PostgresReading {
    func remotePluginTypeDefinitions() throws -> [String: JSONValue] {
        let rows = try fetchAll("SELECT name, definition FROM remote_plugin_type ORDER BY name") { row in
            (try row.value(0, as: String.self), try row.json(1))
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }
}

extension PostgresWriter {
    func saveRemotePluginTypeDefinition(name: String, definition: JSONValue) throws {
        try execute(
            """
            INSERT INTO remote_plugin_type (name, definition, updated_at) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at
            """,
            binds(name, StoredJSON.text(definition), StoredTime.now()))
    }
}
