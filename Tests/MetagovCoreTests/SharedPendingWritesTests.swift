import Foundation
import MetagovCore
import MetagovTestSupport
import Testing

/// On PostgreSQL, a gateway's units of work stop reading its own recent writes from memory (``PendingWrites``
/// keeps them for a second) as soon as another gateway's change to the state is notified.
@Suite(.enabled(if: StoreBackend.postgresServerURL != nil, StoreBackend.whyNoPostgres))
struct SharedPendingWritesTests {
    @Test func anotherGatewaysWriteIsReadLongBeforeTheOwnWriteWouldExpire() async throws {
        let database = try TestDatabase(.postgres)
        // The gateway keeps its committed writes for an hour: only the notification can make it read past them.
        let gateway = try makeCore(database: database, raw: [CoreConfig.committedWritesSeconds: "3600"])
        let other = try makeCore(database: database)
        _ = try await gateway.communities.create(slug: "c", readableName: "C")
        _ = try await gateway.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        // The gateway starts listening in the background: go on until it reads the other gateway's count after
        // its own write (a change committed before it listened is only seen through the next one).
        var seen = false
        let deadline = ContinuousClock.now + .seconds(120)
        while !seen && ContinuousClock.now < deadline {
            let mine = try await gateway.actions.perform(community: "c", plugin: "widget", action: "bump")
            let theirs = try await other.actions.perform(community: "c", plugin: "widget", action: "bump")
            #expect(theirs["count"]?.intValue == (mine["count"]?.intValue ?? 0) + 1)
            let waitUntil = ContinuousClock.now + .seconds(5)
            while !seen && ContinuousClock.now < waitUntil {
                seen = try await gateway.actions.perform(community: "c", plugin: "widget", action: "count") == theirs
                if !seen { try await Task.sleep(for: .milliseconds(10)) }
            }
        }
        #expect(seen)
    }
}
