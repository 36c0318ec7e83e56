import Foundation
import MetagovClient
import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON
import MetagovTestSupport
import Testing

/// Three real `metagovd serve` sharing one PostgreSQL database (a fresh one per test), each on its own port.
private final class Cluster: @unchecked Sendable {
    let database: TestDatabase?
    let servers: [ServerProcess]

    init(on url: String? = nil, config: [String: String] = [:], arguments: [String] = []) throws {
        if let url {
            database = nil
            servers = try (0..<3).map { _ in try ServerProcess(database: url) }
        } else {
            let database = try TestDatabase(.postgres)
            self.database = database
            servers = try (0..<3).map { _ in try ServerProcess(database: database.location) }
        }
        for server in servers {
            try server.start(extraArguments: try server.configFile(config) + ["--pool-size", "2"] + arguments)
        }
    }

    deinit {
        for server in servers where server.isRunning { server.stop() }
    }

    func clients(timeout: Duration = .seconds(60)) async throws -> [MetagovClient] {
        var clients: [MetagovClient] = []
        for server in servers { clients.append(try await server.client(timeout: timeout)) }
        return clients
    }
}

private func startPoll(_ client: MetagovClient, closingAt: Date? = nil) async throws -> Int64 {
    var parameters: [String: JSONValue] = ["title": "T", "options": ["x", "y"]]
    if let closingAt { parameters["closing_at"] = .string(ISO8601DateFormatter().string(from: closingAt)) }
    return try await client.processes.startProcess(.init(
        community: "c", plugin: "poll", process: "vote", parameters: .init(fields: parameters.mapValues { .init(json: $0) }))).id
}

private func castVote(_ client: MetagovClient, _ id: Int64, _ voter: String) async throws {
    _ = try await client.actions.performAction(.init(
        community: "c", plugin: "poll", action: "cast-vote",
        parameters: .init(fields: ["process_id": .init(json: .integer(Int(id))), "voter": .init(json: .string(voter)),
                                   "option": .init(json: "x")])))
}

/// The voter of a `vote_cast` event.
private func voter(_ event: Metagov_V1_Event) -> String? { event.data?.json["voter"]?.stringValue }

/// Quick retries and a short lease, so that a dead gateway's deliveries are picked up soon.
private let quickDelivery = [
    "metagov.delivery.base_delay_seconds": "0.1", "metagov.delivery.max_delay_seconds": "0.3",
    "metagov.delivery.max_attempts": "1000", "metagov.delivery.timeout_seconds": "1", "metagov.delivery.lease_seconds": "2",
]

/// Writers that cast votes through one gateway until stopped, remembering which votes were acknowledged.
private final class Voters: @unchecked Sendable {
    private let lock = NSLock()
    private var acknowledged: [String] = []
    private var stopped = false
    private var failure: String?

    var voters: [String] { lock.withLock { acknowledged } }
    /// Why the writer stopped, if a call failed.
    var error: String? { lock.withLock { failure } }
    func stop() { lock.withLock { stopped = true } }

    /// Votes through `client` as `prefix-N` until stopped, or until calls keep failing (its gateway or the
    /// database is gone). A failed call is not acknowledged, so nothing is expected of it.
    func run(_ client: MetagovClient, poll: Int64, prefix: String) async {
        var n = 0
        var failuresInARow = 0
        while !lock.withLock({ stopped }) && failuresInARow < 10 {
            let name = "\(prefix)-\(n)"
            do {
                try await castVote(client, poll, name)
                lock.withLock { acknowledged.append(name) }
                failuresInARow = 0
            } catch {
                lock.withLock { failure = "\(error)" }
                failuresInARow += 1
                try? await Task.sleep(for: .milliseconds(50))
            }
            n += 1
        }
    }
}

@Suite(
    "a cluster: three metagovd serve on one PostgreSQL", .serialized,
    .enabled(if: StoreBackend.postgresServerURL != nil, StoreBackend.whyNoPostgres))
struct ClusterTests {
    @Test("writers and subscribers on every gateway: the same events once, in one order; every concurrent vote counted")
    func oneOrderEverywhere() async throws {
        let cluster = try Cluster()
        let clients = try await cluster.clients()
        _ = try await clients[0].communities.createCommunity(.init(slug: "c", readableName: "C"))
        _ = try await clients[1].plugins.enablePlugin(.init(community: "c", name: "poll"))
        let poll = try await startPoll(clients[2])
        let perGateway = 25
        let total = 3 * perGateway
        let subscribers = clients.map { client in
            Task {
                var events: [Metagov_V1_Event] = []
                for try await event in client.events.subscribe(.init(community: "c", eventTypes: ["vote_cast"])) {
                    events.append(event)
                    if events.count == total { break }
                }
                return events
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask { for n in 0..<perGateway { try await castVote(client, poll, "g\(index)-\(n)") } }
            }
            try await group.waitForAll()
        }
        var streams: [[Metagov_V1_Event]] = []
        for subscriber in subscribers { streams.append(try await subscriber.value) }
        let cursors = streams[0].map(\.cursor)
        #expect(cursors.count == total)
        #expect(cursors == cursors.sorted() && Set(cursors).count == total)
        #expect(streams[1].map(\.cursor) == cursors && streams[2].map(\.cursor) == cursors)
        #expect(streams[1] == streams[0] && streams[2] == streams[0])
        let expected = Set((0..<3).flatMap { g in (0..<perGateway).map { "g\(g)-\($0)" } })
        #expect(Set(streams[0].compactMap(voter)) == expected)
        for client in clients {
            let process = try await client.processes.getProcess(.init(id: poll))
            #expect(process.outcome?.json["voter_count"] == .integer(total))
        }
    }

    @Test("a webhook subscription gets each event once, whichever gateway committed it")
    func webhookOncePerEvent() async throws {
        let receiver = WebhookReceiver()
        try receiver.start()
        defer { receiver.stop() }
        let cluster = try Cluster(config: quickDelivery)
        let clients = try await cluster.clients()
        _ = try await clients[0].communities.createCommunity(.init(slug: "c", readableName: "C"))
        _ = try await clients[0].plugins.enablePlugin(.init(community: "c", name: "poll"))
        let poll = try await startPoll(clients[0])
        let webhook = try await clients[1].events.createWebhook(.init(community: "c", url: receiver.url, eventTypes: ["vote_cast"]))
        for round in 0..<10 {
            for (index, client) in clients.enumerated() { try await castVote(client, poll, "g\(index)-\(round)") }
        }
        let delivered = try await eventually {
            let deliveries = try await clients[2].events.listDeliveries(.init(webhookId: webhook.id, pageSize: 100)).deliveries
            return deliveries.count == 30 && deliveries.allSatisfy { $0.status == .delivered }
        }
        #expect(delivered)
        let deliveries = try await clients[2].events.listDeliveries(.init(webhookId: webhook.id, pageSize: 100)).deliveries
        #expect(deliveries.allSatisfy { $0.attempts == 1 })
        let received = receiver.received.compactMap { $0.headers["x-metagov-event-id"] }
        #expect(received.count == 30)
        #expect(Set(received) == Set(deliveries.map(\.eventId)))
    }

    @Test("kill -9 of a gateway under load: no acknowledged write lost, its deliveries sent by the others, the scheduler fails over")
    func killedGateway() async throws {
        let receiver = WebhookReceiver()
        try receiver.start()
        defer { receiver.stop() }
        receiver.setFailing(true)
        let cluster = try Cluster(config: quickDelivery)
        let clients = try await cluster.clients()
        _ = try await clients[0].communities.createCommunity(.init(slug: "c", readableName: "C"))
        _ = try await clients[0].plugins.enablePlugin(.init(community: "c", name: "poll"))
        let poll = try await startPoll(clients[0])
        _ = try await clients[0].events.createWebhook(.init(community: "c", url: receiver.url, eventTypes: ["vote_cast"]))
        // The gateway running the scheduler is the one to kill.
        var leader: Int?
        _ = await eventually {
            leader = cluster.servers.firstIndex { $0.logText.contains("this gateway now runs the scheduler") }
            return leader != nil
        }
        let victim = try #require(leader)
        let voters = (0..<3).map { _ in Voters() }
        let writers = (0..<3).map { index in Task { await voters[index].run(clients[index], poll: poll, prefix: "g\(index)") } }
        // Under load (every gateway has acknowledged votes, deliveries are pending and failing), kill the leader.
        #expect(
            await eventually { voters.allSatisfy { $0.voters.count >= 5 } && receiver.received.count >= 5 },
            "\(voters.map(\.error))")
        cluster.servers[victim].kill()
        await writers[victim].value
        let survivors = [0, 1, 2].filter { $0 != victim }
        #expect(await eventually { survivors.allSatisfy { voters[$0].voters.count >= 20 } }, "\(voters.map(\.error))")
        for voter in voters { voter.stop() }
        for writer in writers { await writer.value }

        // No acknowledged vote is lost: each is in the log, read through a surviving gateway.
        let client = clients[survivors[0]]
        let acknowledged = Set(voters.flatMap(\.voters))
        var logged: Set<String> = []
        var cursors: [UInt64] = []
        var options = GRPCCallOptions()
        options.timeout = .seconds(5)
        _ = await status {
            for try await event in client.events.subscribe(.init(community: "c", eventTypes: ["vote_cast"]), options: options) {
                if let name = voter(event) { logged.insert(name) }
                cursors.append(event.cursor)
                if logged.isSuperset(of: acknowledged) { break }
            }
        }
        #expect(logged.isSuperset(of: acknowledged))
        // Every vote_cast event (the dead gateway's pending deliveries included) reaches the receiver.
        receiver.setFailing(false)
        let events = Set(cursors.map { "event-\($0)" })
        #expect(await eventually(timeout: .seconds(60)) {
            Set(receiver.received.compactMap { $0.headers["x-metagov-event-id"] }).isSuperset(of: events)
        })
        // Another gateway runs the scheduler now: a poll closing soon is closed by it.
        #expect(await eventually { survivors.contains { cluster.servers[$0].logText.contains("this gateway now runs the scheduler") } })
        let closing = try await startPoll(client, closingAt: Date().addingTimeInterval(5))
        #expect(try await eventually { try await client.processes.getProcess(.init(id: closing)).status == .completed })
    }

    @Test("PostgreSQL restarted under load: calls fail with UNAVAILABLE, then succeed again on every gateway")
    func databaseRestart() async throws {
        let postgres = try PrivatePostgres()
        let cluster = try Cluster(on: postgres.url, arguments: ["--query-timeout", "5", "--connect-timeout", "2"])
        let clients = try await cluster.clients(timeout: .seconds(20))
        _ = try await clients[0].communities.createCommunity(.init(slug: "c", readableName: "C"))
        _ = try await clients[0].plugins.enablePlugin(.init(community: "c", name: "poll"))
        let poll = try await startPoll(clients[0])
        let voters = (0..<3).map { _ in Voters() }
        let writers = (0..<3).map { index in Task { await voters[index].run(clients[index], poll: poll, prefix: "g\(index)") } }
        #expect(await eventually { voters.allSatisfy { $0.voters.count >= 3 } }, "\(voters.map(\.error))")
        try postgres.run("down")
        for writer in writers { await writer.value }
        for (index, client) in clients.enumerated() {
            let failure = await status { try await castVote(client, poll, "down-\(index)") }
            #expect(failure?.code == .unavailable)
            #expect(failure?.message.contains("PostgreSQL") == true)
        }
        try postgres.run("up")
        for (index, client) in clients.enumerated() {
            #expect(await eventually { await status { try await castVote(client, poll, "back-\(index)") } == nil })
        }
        #expect(cluster.servers.allSatisfy { $0.isRunning })
        let process = try await clients[1].processes.getProcess(.init(id: poll))
        let acknowledged = voters.map(\.voters.count).reduce(0, +) + 3
        #expect((process.outcome?.json["voter_count"]?.intValue ?? 0) >= acknowledged)
    }
}

/// A PostgreSQL cluster of this test's own (`scripts/postgres-cluster`), for taking down and up again without
/// disturbing the tests that share the common one.
private final class PrivatePostgres: @unchecked Sendable {
    let directory: String
    let url: String
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/postgres-cluster").path

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("metagov-pg-\(UUID().uuidString)").path
        url = try Self.script(["start", directory, "fsync=off"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit { _ = try? Self.script(["stop", directory]) }

    func run(_ command: String) throws { _ = try Self.script([command, directory]) }

    /// Runs the script and returns its standard output. Spawned and reaped directly: Foundation's `Process`
    /// does not notice the script's exit when it leaves a daemon (the PostgreSQL server) behind.
    private static func script(_ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("postgres-cluster-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([script] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, script, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "postgres-cluster \(arguments[0]) failed"])
        }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }
}
