import Foundation
import MetagovCore
import MetagovSQLite
import MetagovTestSupport
import Testing

/// `metagovd migrate-data` from an SQLite file to a fresh PostgreSQL database, and the same commands on both.
@Suite(.enabled(if: StoreBackend.postgresServerURL != nil, StoreBackend.whyNoPostgres))
struct MigrateDataTests {
    @Test func everythingIsCopiedVerifiedAndContinuesOnPostgres() async throws {
        let cli = try MetagovdRunner()
        let target = try TestDatabase(.postgres)
        _ = try cli.run(["community", "create", "--slug", "c", "--name", "C"])
        _ = try cli.run(["plugin", "enable", "--community", "c", "--name", "poll"])
        let vote = try cli.run(["process", "start", "--community", "c", "--plugin", "poll", "--process", "vote",
                                "--parameters", #"{"title": "T", "options": ["x", "y"]}"#]).json()
        let id = try #require(vote["id"]?.intValue)
        for voter in ["ann", "bob"] {
            let cast = try cli.run(["action", "perform", "--community", "c", "--plugin", "poll", "--action", "cast-vote",
                                    "--parameters", #"{"process_id": \#(id), "voter": "\#(voter)", "option": "x"}"#])
            #expect(cast.status == 0, "\(cast.stderr)")
        }
        let token = try cli.run(["token", "create", "--scope", "admin", "--name", "ops"])
        #expect(token.status == 0, "\(token.stderr)")
        // What no admin command writes: a process's url (a plugin host's effect) and a type a plugin host registered.
        try await { () async throws in
            let source = try SQLiteStore(path: cli.database)
            try await source.write { writer in
                try writer.saveRemotePluginTypeDefinition(name: "tally", definition: Self.remoteType.json)
                guard var process = try writer.process(id: Int64(id)) else { throw StoreError.notFound("process \(id)") }
                process.url = "https://forum.example/t/1"
                _ = try writer.updateProcess(process)
            }
        }()

        let copied = try cli.run(["migrate-data", "--from", "sqlite:\(cli.database)", "--to", target.location], useDatabaseFlag: false)
        #expect(copied.status == 0, "\(copied.stderr)")
        let report = try copied.json()
        #expect(report["verified"] == true)
        #expect(report["copied"]?["community"] == 1 && report["copied"]?["process"] == 1 && report["copied"]?["event"] == 2)
        #expect(report["copied"]?["api_token"] == 1)
        // The two ballots are entries of the process; the registered type is kept.
        #expect(report["copied"]?["process_entry"] == 2 && report["copied"]?["remote_plugin_type"] == 1)

        // The same commands on PostgreSQL see the copy, and new rows continue after the copied ids and cursors.
        let onPostgres = { (arguments: [String]) throws -> MetagovdRunner.Result in
            try cli.run(["--database", target.location] + arguments, useDatabaseFlag: false)
        }
        let process = try onPostgres(["process", "show", String(id)]).json()
        #expect(process["outcome"]?["voter_count"] == 2)
        #expect(process["url"] == "https://forum.example/t/1")
        let types = try onPostgres(["plugin", "types"]).json().arrayValue ?? []
        #expect(types.contains { $0["name"] == "tally" })
        // Ann's ballot came along: her second vote replaces it instead of counting her twice.
        let changed = try onPostgres(["action", "perform", "--community", "c", "--plugin", "poll", "--action", "cast-vote",
                                      "--parameters", #"{"process_id": \#(id), "voter": "ann", "option": "y"}"#])
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(try onPostgres(["process", "show", String(id)]).json()["outcome"]?["votes"] == ["x": 1, "y": 1])
        let third = try onPostgres(["action", "perform", "--community", "c", "--plugin", "poll", "--action", "cast-vote",
                                    "--parameters", #"{"process_id": \#(id), "voter": "cy", "option": "y"}"#])
        #expect(third.status == 0, "\(third.stderr)")
        let afterThird = try onPostgres(["process", "show", String(id)]).json()["outcome"]
        #expect(afterThird?["voter_count"] == 3 && afterThird?["votes"] == ["x": 1, "y": 2])
        let next = try onPostgres(["process", "start", "--community", "c", "--plugin", "poll", "--process", "vote",
                                   "--parameters", #"{"title": "U", "options": ["x", "y"]}"#]).json()
        #expect((next["id"]?.intValue ?? 0) > id)
        #expect(try onPostgres(["token", "list"]).json().arrayValue?.first?["name"] == "ops")

        // A second copy is refused, naming what the target holds; --replace copies again.
        let again = try cli.run(["migrate-data", "--from", "sqlite:\(cli.database)", "--to", target.location], useDatabaseFlag: false)
        #expect(again.status != 0)
        #expect(again.stderr.contains("already holds data") && again.stderr.contains("--replace"))
        let replaced = try cli.run(
            ["migrate-data", "--from", "sqlite:\(cli.database)", "--to", target.location, "--replace"], useDatabaseFlag: false)
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try onPostgres(["process", "show", String(id)]).json()["outcome"]?["voter_count"] == 2)
    }

    /// A plugin type as a plugin host registers it.
    static let remoteType = RemotePluginTypeDefinition(
        name: "tally", description: "Counts", configSchema: nil, authType: .none, communityPlatformIDKey: nil,
        actions: [.init(slug: "bump", description: "Adds one", inputSchema: nil, outputSchema: nil, isPublic: false)],
        processes: [], eventTypes: [], acceptsUndeclaredEventTypes: false, hasInitialize: false, hasWebhookReceiver: false,
        hasSignatureVerifier: false, periodicTasks: [])

    @Test func aMissingSourceOrAWrongTargetIsRefused() throws {
        let cli = try MetagovdRunner()
        let target = try TestDatabase(.postgres)
        let missing = try cli.run(["migrate-data", "--from", "sqlite:/nonexistent/x.sqlite", "--to", target.location], useDatabaseFlag: false)
        #expect(missing.status != 0 && missing.stderr.contains("no SQLite database"))
        let wrong = try cli.run(["migrate-data", "--from", "sqlite:\(cli.database)", "--to", "sqlite:/tmp/x"], useDatabaseFlag: false)
        #expect(wrong.status != 0 && wrong.stderr.contains("PostgreSQL URL"))
    }
}
