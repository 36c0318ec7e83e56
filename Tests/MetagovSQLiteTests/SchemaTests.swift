import Foundation
import MetagovCore
@testable import MetagovSQLite
import Testing

@Suite struct SchemaTests {
    @Test func reopeningAMigratedFileIsANoOp() async throws {
        let file = try TemporaryDatabase()
        _ = try await Seed(SQLiteStore(path: file.path))
        let reopened = try SQLiteStore(path: file.path)
        #expect(try await reopened.read { try $0.allPlugins() }.count == 1)
    }

    @Test func aFileMigratedByANewerReleaseIsRefused() async throws {
        let file = try TemporaryDatabase()
        try SQLiteStore(path: file.path).executeRawSQL("INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
        #expect(throws: SQLiteStoreError.schemaFromNewerVersion(["v99"])) { _ = try SQLiteStore(path: file.path) }
    }

    @Test func corruptJSONIsReportedNotTrapped() async throws {
        let store = try SQLiteStore.inMemory()
        let seed = try await Seed(store)
        try store.executeRawSQL("UPDATE plugin SET config = '{not json' WHERE id = \(seed.plugin.id)")
        await #expect(throws: StoredValueError.self) { _ = try await store.read { try $0.plugin(id: seed.plugin.id) } }
        try store.executeRawSQL("UPDATE plugin SET config = '[]' WHERE id = \(seed.plugin.id)")
        #expect(try await store.read { try $0.plugin(id: seed.plugin.id) }?.config == [])
    }

    @Test func unknownEnumValuesAreReportedNotTrapped() async throws {
        let store = try SQLiteStore.inMemory()
        _ = try await Seed(store)
        let id = try await store.write { try $0.createMetagovIDs(community: "c", count: 1) }[0].externalID
        try await store.write { writer in try writer.upsertLinkedAccount(writer.account(id, "U1")) }
        try store.executeRawSQL("UPDATE linked_account SET link_quality = 'superb'")
        await #expect(throws: StoredValueError.self) { _ = try await store.read { try $0.linkedAccounts(externalIDs: [id]) } }
    }

    @Test func theSchemaRejectsInvalidRows() async throws {
        let store = try SQLiteStore.inMemory()
        let seed = try await Seed(store)
        let process = try await store.write { try $0.insertProcess(pluginID: seed.plugin.id) }
        #expect(throws: (any Error).self) { try store.executeRawSQL("UPDATE process SET status = 'weird' WHERE id = \(process.id)") }
        #expect(throws: (any Error).self) {
            try store.executeRawSQL("INSERT INTO metagov_id (external_id, community, primary_external_id) VALUES (0, 'c', 0)")
        }
    }
}
