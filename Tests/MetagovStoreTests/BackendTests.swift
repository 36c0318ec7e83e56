import MetagovCore
import MetagovPostgres
import MetagovTestSupport
import Testing

/// Which backends the store tests run against, and what only PostgreSQL does.
@Suite struct BackendTests {
    @Test(.enabled(if: StoreBackend.postgresServerURL != nil, StoreBackend.whyNoPostgres))
    func postgresIsTested() async throws {
        #expect(StoreBackend.available == [.sqlite, .postgres])
        let store = try StoreBackend.postgres.makeStore()
        #expect(try await store.read { try $0.lastEventCursor() } == 0)
    }
}
