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
