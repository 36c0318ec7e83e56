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
        let gateway = try makeCore(database: database)
        let other = try makeCore(database: database)
        _ = try await gateway.communities.create(slug: "c", readableName: "C")
        _ = try await gateway.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        // The gateway starts listening in the background: go on until it read the other gateway's count while
        // its own write, committed less than 0.8 s before, would still be held in memory without the notification.
        var seen = false
        for _ in 0..<50 where !seen {
            let before = ContinuousClock.now
            let mine = try await gateway.actions.perform(community: "c", plugin: "widget", action: "bump")
            let theirs = try await other.actions.perform(community: "c", plugin: "widget", action: "bump")
            #expect(theirs["count"]?.intValue == (mine["count"]?.intValue ?? 0) + 1)
            while !seen && ContinuousClock.now - before < .milliseconds(800) {
                seen = try await gateway.actions.perform(community: "c", plugin: "widget", action: "count") == theirs
                if !seen { try await Task.sleep(for: .milliseconds(10)) }
            }
        }
        #expect(seen)
    }
}
