import Foundation
import MetagovCore
import MetagovSQLite
import MetagovTestSupport
import Testing

@Suite struct SchemaTests {
    @Test(arguments: StoreBackend.available) func reopeningAMigratedDatabaseIsANoOp(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        _ = try await Seed(database.openStore())
        let reopened = try database.openStore()
        #expect(try await reopened.read { try $0.allPlugins() }.count == 1)
    }

    @Test(arguments: StoreBackend.available) func aDatabaseMigratedByANewerReleaseIsRefused(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        _ = try database.openStore()
        try database.executeRawSQL(
            backend == .sqlite
                ? "INSERT INTO grdb_migrations (identifier) VALUES ('v99')"
                : "INSERT INTO metagov_migration (name, applied_at) VALUES ('v99', 0)")
        let error = #expect(throws: (any Error).self) { _ = try database.openStore() }
        #expect("\(error.map { "\($0)" } ?? "")".contains("v99"))
    }

    @Test(arguments: StoreBackend.available) func corruptJSONIsReportedNotTrapped(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let store = try database.openStore()
        let seed = try await Seed(store)
        try database.executeRawSQL("UPDATE plugin SET config = '{not json' WHERE id = \(seed.plugin.id)")
        let error = await #expect(throws: (any Error).self) { _ = try await store.read { try $0.plugin(id: seed.plugin.id) } }
        #expect("\(error.map { "\($0)" } ?? "")".contains("invalid JSON"))
        try database.executeRawSQL("UPDATE plugin SET config = '[]' WHERE id = \(seed.plugin.id)")
        #expect(try await store.read { try $0.plugin(id: seed.plugin.id) }?.config == [])
    }

    @Test(arguments: StoreBackend.available) func unknownEnumValuesAreReportedNotTrapped(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let store = try database.openStore()
        _ = try await Seed(store)
        let id = try await store.write { try $0.createMetagovIDs(community: "c", count: 1) }[0].externalID
        try await store.write { writer in try writer.upsertLinkedAccount(writer.account(id, "U1")) }
        try database.executeRawSQL("UPDATE linked_account SET link_quality = 'superb'")
        let error = await #expect(throws: (any Error).self) { _ = try await store.read { try $0.linkedAccounts(externalIDs: [id]) } }
        #expect("\(error.map { "\($0)" } ?? "")".contains("superb"))
    }

    @Test(arguments: StoreBackend.available) func theSchemaRejectsInvalidRows(_ backend: StoreBackend) async throws {
        let database = try TestDatabase(backend)
        let store = try database.openStore()
        let seed = try await Seed(store)
        let process = try await store.write { try $0.insertProcess(pluginID: seed.plugin.id) }
        #expect(throws: (any Error).self) { try database.executeRawSQL("UPDATE process SET status = 'weird' WHERE id = \(process.id)") }
        #expect(throws: (any Error).self) {
            try database.executeRawSQL("INSERT INTO metagov_id (external_id, community, primary_external_id) VALUES (0, 'c', 0)")
        }
    }

    @Test func aSQLiteDatabaseWithListChecksIsRebuiltKeepingItsRowsAndIDs() async throws {
        let database = try TestDatabase(.sqlite)
        let (process, reserved) = try await { () async throws -> (GovernanceProcess, ClosedRange<Int64>) in
            let store = try database.openStore()
            let seed = try await Seed(store)
            return try await store.write { writer in
                let process = try writer.insertProcess(pluginID: seed.plugin.id, status: .pending)
                try writer.enqueueDeliveries([NewDelivery(
                    kind: .callback, webhookID: nil, processID: process.id, community: "c", eventID: "process-1",
                    url: "https://driver.example/cb", body: "{}")])
                return (process, try writer.reserveProcessIDs(count: 5))
            }
        }()
        // Back to what v6 left: the checks as IN lists, the ids reserved past the last row.
        try database.executeRawSQL("""
            CREATE TABLE process_v6 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                plugin_id INTEGER NOT NULL REFERENCES plugin(id) ON DELETE CASCADE,
                community TEXT NOT NULL REFERENCES community(slug) ON DELETE CASCADE,
                plugin TEXT NOT NULL, name TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('created', 'pending', 'completed')),
                outcome TEXT, errors TEXT, state TEXT NOT NULL, callback_url TEXT,
                created_at REAL NOT NULL, updated_at REAL NOT NULL, version INTEGER NOT NULL CHECK (version >= 1), url TEXT);
            INSERT INTO process_v6 SELECT * FROM process;
            CREATE TABLE delivery_v6 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('event', 'callback')),
                webhook_id INTEGER REFERENCES webhook_subscription(id) ON DELETE CASCADE, process_id INTEGER,
                community TEXT NOT NULL REFERENCES community(slug) ON DELETE CASCADE,
                event_id TEXT NOT NULL, url TEXT NOT NULL, body TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL, last_error TEXT,
                last_status_code INTEGER, created_at REAL NOT NULL, delivered_at REAL);
            INSERT INTO delivery_v6 SELECT * FROM delivery;
            DROP TABLE process;
            DROP TABLE delivery;
            ALTER TABLE process_v6 RENAME TO process;
            ALTER TABLE delivery_v6 RENAME TO delivery;
            CREATE INDEX process_community ON process(community, id);
            CREATE INDEX process_plugin ON process(plugin_id, id);
            CREATE INDEX process_status ON process(status, id);
            CREATE INDEX delivery_due ON delivery(status, next_attempt_at);
            CREATE INDEX delivery_webhook ON delivery(webhook_id, id);
            CREATE INDEX delivery_community ON delivery(community, id);
            UPDATE sqlite_sequence SET seq = \(reserved.upperBound) WHERE name = 'process';
            DELETE FROM grdb_migrations WHERE identifier = 'v7-checks-without-lists';
            """)
        let upgraded = try database.openStore()
        try await upgraded.read { reader throws in
            #expect(try reader.process(id: process.id) == process)
            let deliveries = try reader.deliveries(webhookID: nil, community: "c", status: .pending, afterID: nil, limit: 10)
            #expect(deliveries.map(\.processID) == [process.id])
        }
        // A reserved id is never given out again, and the checks still hold.
        let next = try await upgraded.write { try $0.insertProcess(pluginID: process.pluginID) }
        #expect(next.id == reserved.upperBound + 1)
        #expect(throws: (any Error).self) { try database.executeRawSQL("UPDATE process SET status = 'weird'") }
        #expect(throws: (any Error).self) { try database.executeRawSQL("UPDATE delivery SET kind = 'weird'") }
        #expect(throws: (any Error).self) { try database.executeRawSQL("UPDATE delivery SET status = 'weird'") }
        try database.executeRawSQL("UPDATE delivery SET status = 'failed'")
    }

    @Test(.enabled(if: StoreBackend.postgresServerURL != nil, StoreBackend.whyNoPostgres))
    func aPostgresDatabaseOfTheFirstSchemaIsUpgradedKeepingItsData() async throws {
        let database = try TestDatabase(.postgres)
        let process = try await { () async throws -> GovernanceProcess in
            let store = try database.openStore()
            let seed = try await Seed(store)
            return try await store.write { writer in
                try writer.updatePluginState(pluginID: seed.plugin.id, changes: ["k": 1], expecting: StateExpectations())
                return try writer.insertProcess(pluginID: seed.plugin.id)
            }
        }()
        // Back to what v1 left, as a deployment of the first PostgreSQL release has it.
        for statement in [
            "DROP TABLE process_entry", "DROP TABLE remote_plugin_type", "DROP INDEX plugin_community",
            "ALTER TABLE process DROP COLUMN url", "ALTER TABLE plugin ADD COLUMN state_version bigint NOT NULL DEFAULT 3",
            "DELETE FROM metagov_migration WHERE name IN ('v2', 'v3')",
        ] {
            try database.executeRawSQL(statement)
        }
        let upgraded = try database.openStore()
        try await upgraded.read { reader throws in
            #expect(try reader.process(id: process.id) == process)
            #expect(try reader.pluginState(pluginID: process.pluginID) == ["k": 1])
            #expect(try reader.remotePluginTypeDefinitions().isEmpty)
        }
        try await upgraded.write { writer in
            try writer.updateProcessEntries(processID: process.id, changes: ["ballot:ann": "a"], expecting: ["ballot:ann": nil])
            try writer.updatePluginState(pluginID: process.pluginID, changes: ["k": 2], expecting: StateExpectations(values: ["k": 1]))
            var changed = process
            changed.url = "https://forum.example/p/1"
            _ = try writer.updateProcess(changed)
        }
        #expect(try await upgraded.read { try $0.process(id: process.id) }?.url == "https://forum.example/p/1")
    }

    @Test func sqliteFilesUseWAL() async throws {
        let database = try TestDatabase(.sqlite)
        let store = try SQLiteStore(path: database.path)
        #expect(try store.journalMode() == "wal")
        // A second store (as another process would) sees the mode persisted in the file.
        let second = try SQLiteStore(path: database.path)
        #expect(try second.journalMode() == "wal")
        #expect(try SQLiteStore.inMemory().journalMode() == "memory")
    }
}
