import Foundation
import MetagovCore
@testable import MetagovSQLite
import Testing

@Suite struct SchemaTests {
    @Test func reopeningAMigratedFileIsANoOp() throws {
        let file = try TemporaryDatabase()
        _ = try Seed(SQLiteStore(path: file.path))
        let reopened = try SQLiteStore(path: file.path)
        #expect(try reopened.read { try $0.allPlugins() }.count == 1)
    }

    @Test func aFileMigratedByANewerReleaseIsRefused() throws {
        let file = try TemporaryDatabase()
        try SQLiteStore(path: file.path).executeRawSQL("INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
        #expect(throws: SQLiteStoreError.schemaFromNewerVersion(["v99"])) { _ = try SQLiteStore(path: file.path) }
    }

    @Test func corruptJSONIsReportedNotTrapped() throws {
        let store = try SQLiteStore.inMemory()
        let seed = try Seed(store)
        try store.executeRawSQL("UPDATE plugin SET config = '{not json' WHERE id = \(seed.plugin.id)")
        #expect(throws: StoredValueError.self) { _ = try store.read { try $0.plugin(id: seed.plugin.id) } }
        try store.executeRawSQL("UPDATE plugin SET config = '[]' WHERE id = \(seed.plugin.id)")
        #expect(try store.read { try $0.plugin(id: seed.plugin.id) }?.config == [])
    }

    @Test func unknownEnumValuesAreReportedNotTrapped() throws {
        let store = try SQLiteStore.inMemory()
        _ = try Seed(store)
        let id = try store.write { try $0.createMetagovIDs(community: "c", count: 1) }[0].externalID
        try store.write { writer in try writer.upsertLinkedAccount(writer.account(id, "U1")) }
        try store.executeRawSQL("UPDATE linked_account SET link_quality = 'superb'")
        #expect(throws: StoredValueError.self) { _ = try store.read { try $0.linkedAccounts(externalIDs: [id]) } }
    }

    @Test func theSchemaRejectsInvalidRows() throws {
        let store = try SQLiteStore.inMemory()
        let seed = try Seed(store)
        let process = try store.write { try $0.insertProcess(pluginID: seed.plugin.id) }
        #expect(throws: (any Error).self) { try store.executeRawSQL("UPDATE process SET status = 'weird' WHERE id = \(process.id)") }
        #expect(throws: (any Error).self) {
            try store.executeRawSQL("INSERT INTO metagov_id (external_id, community, primary_external_id) VALUES (0, 'c', 0)")
        }
    }
}
