import MetagovCore
import PostgresNIO

/// Brings a database to the current schema when a store opens. Several gateways starting at once migrate it
/// once: the migrator holds a session-level advisory lock (``AdvisoryLock/migration``) while it looks at and
/// applies the migrations, so the others wait and then find nothing left to do.
enum Migrator {
    static func migrate(_ connection: BlockingConnection) throws {
        try connection.open()
        try connection.run("SELECT pg_advisory_lock($1)", binds(AdvisoryLock.migration))
        defer { connection.send("SELECT pg_advisory_unlock(\(AdvisoryLock.migration))", checked: false) }
        try connection.run(
            """
            CREATE TABLE IF NOT EXISTS metagov_migration (name text PRIMARY KEY, applied_at double precision NOT NULL)
            """)
        let applied = Set(try connection.run("SELECT name FROM metagov_migration").rows.map {
            try $0.makeRandomAccess().value(0, as: String.self)
        })
        let unknown = applied.subtracting(Schema.migrationNames)
        guard unknown.isEmpty else { throw PostgresStoreError.schemaFromNewerVersion(unknown.sorted()) }
        for migration in Schema.migrations where !applied.contains(migration.name) {
            connection.send("BEGIN")
            do {
                // One statement at a time (the extended protocol takes one per message); the scripts hold no `;`
                // inside a statement.
                for statement in migration.sql.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
                    connection.send(String(statement))
                }
                try connection.run(
                    "INSERT INTO metagov_migration (name, applied_at) VALUES ($1, $2)", binds(migration.name, StoredTime.now()))
                try connection.run("COMMIT")
            } catch {
                connection.send("ROLLBACK", checked: false)
                throw error
            }
        }
    }
}

/// The advisory lock keys of the store (one namespace of 64-bit keys per database; "mgv" and a number).
enum AdvisoryLock {
    /// Held (transaction-level) by every write transaction: writes are serialized across gateways.
    static let write: Int64 = 0x6d67_7600_0000_0001
    /// Held (session-level) while migrating.
    static let migration: Int64 = 0x6d67_7600_0000_0002

    /// Held (session-level) by the gateway whose writers to the plugin instance `id` have their turn.
    static func turn(_ id: Int64) -> Int64 { 0x6d67_7602_0000_0000 | (id & 0xffff_ffff_ffff) }

    /// Held (session-level) by the gateway that has cluster-wide role `role`.
    static func role(_ role: String) -> Int64 {
        // FNV-1a: stable across processes and releases (Swift's hashValue is seeded per process).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in role.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return 0x6d67_7601_0000_0000 | Int64(hash & 0xffff_ffff)
    }
}
