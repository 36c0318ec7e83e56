import Foundation
import GRDB
import MetagovClient
import MetagovGRPC
import MetagovProto
import Testing

/// Another process's connection to the server's database file, holding its write lock until released.
private final class WriteLockHolder: Sendable {
    private let connection: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        connection = try DatabaseQueue(path: path, configuration: configuration)
        try connection.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
    }

    func release() throws {
        try connection.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
    }
}

/// What happened, in the order it happened.
private actor Timeline {
    private(set) var entries: [String] = []

    func record(_ entry: String) { entries.append(entry) }
}

@Suite("metagovd serve: a database locked by another process stalls only the writes waiting for it")
struct LockedDatabaseTests {
    @Test("while another connection holds the write lock, writes wait and reads keep answering; the writes then commit")
    func readsAnswerWhileWritesWait() async throws {
        let server = try ServerProcess()
        // Long enough that the writes outlast any test-machine delay; they must complete, not time out.
        try server.start(extraArguments: ["--busy-timeout", "600"])
        defer { server.stop() }
        let client = try await server.client(timeout: .seconds(600))
        // Reads get a deadline (generous for a busy machine): a server whose handlers block on the writes would
        // fail them with DEADLINE_EXCEEDED instead of hanging.
        let reader = try await server.client(timeout: .seconds(120))
        _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
        _ = try await client.plugins.enablePlugin(.init(
            community: "c", name: "randomness", config: .init(fields: ["default_low": .init(json: 1), "default_high": .init(json: 6)])))

        let lock = try WriteLockHolder(path: server.database)
        let timeline = Timeline()
        // More pending writes than the server has handler threads: blocking handlers would starve the reads.
        let writes = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        if index % 2 == 0 {
                            _ = try await client.communities.createCommunity(.init(slug: "w\(index)", readableName: "W"))
                        } else {
                            _ = try await client.processes.startProcess(.init(
                                community: "c", plugin: "randomness", process: "delayed-stochastic-vote",
                                parameters: .init(fields: ["options": .init(json: ["a", "b"]), "delay": .init(json: 1)])))
                        }
                        await timeline.record("write \(index) ok")
                    }
                }
                try await group.waitForAll()
            }
        }
        for round in 0..<20 {
            #expect(try await reader.communities.getCommunity(.init(slug: "c")).plugins.map(\.name) == ["randomness"])
            #expect(try await reader.communities.listCommunities(.init()).communities.map(\.slug) == ["c"])
            #expect(try await reader.health.check(.init()).status == .serving)
            await timeline.record("reads \(round) ok")
        }
        // The lock is still held: no write has completed, every read has.
        #expect(await timeline.entries == (0..<20).map { "reads \($0) ok" })

        try lock.release()
        try await writes.value
        let entries = await timeline.entries
        #expect(entries.prefix(20) == ArraySlice((0..<20).map { "reads \($0) ok" }))
        #expect(Set(entries.dropFirst(20)) == Set((0..<8).map { "write \($0) ok" }))
        let slugs = try await client.communities.listCommunities(.init()).communities.map(\.slug)
        #expect(slugs == ["c", "w0", "w2", "w4", "w6"])
        #expect(try await client.processes.listProcesses(.init(community: "c")).processes.count == 4)
        await reader.close()
        await client.close()
    }

    @Test("a write that waits longer than --busy-timeout fails with UNAVAILABLE; after the lock is released writes work")
    func writesPastTheBusyTimeoutAreUnavailable() async throws {
        let server = try ServerProcess()
        try server.start(extraArguments: ["--busy-timeout", "0.2"])
        defer { server.stop() }
        let client = try await server.client()
        _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))

        let lock = try WriteLockHolder(path: server.database)
        let refused = await status { _ = try await client.communities.createCommunity(.init(slug: "d", readableName: "D")) }
        #expect(refused?.code == .unavailable)
        #expect(refused?.message.contains("locked by another process") == true)
        #expect(try await client.communities.getCommunity(.init(slug: "c")).readableName == "C")
        try lock.release()

        _ = try await client.communities.createCommunity(.init(slug: "d", readableName: "D"))
        #expect(try await client.communities.listCommunities(.init()).communities.map(\.slug) == ["c", "d"])
        await client.close()
    }
}
