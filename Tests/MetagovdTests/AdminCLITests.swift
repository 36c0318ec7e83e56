import Foundation
import MetagovCore
import Testing

@Suite struct AdminCLITests {
    @Test func communityLifecycle() throws {
        let cli = try MetagovdRunner()
        let created = try cli.run(["community", "create", "--slug", "town", "--name", "Town"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try created.json()["slug"] == "town")
        let generated = try cli.run(["community", "create", "--name", "Nameless"])
        #expect(try generated.json()["slug"]?.stringValue?.count == 36)
        #expect(try cli.run(["community", "update", "town", "--name", "City"]).json()["readable_name"] == "City")
        let shown = try cli.run(["community", "show", "town"]).json()
        #expect(shown["readable_name"] == "City")
        #expect(shown["plugins"] == [])
        #expect(try cli.run(["community", "list"]).json()["communities"]?.arrayValue?.count == 2)
        #expect(try cli.run(["community", "delete", "town"]).status == 0)
        let missing = try cli.run(["community", "show", "town"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("community 'town' not found"))
        let duplicate = try cli.run(["community", "create", "--slug", try #require(generated.json()["slug"]?.stringValue), "--name", "X"])
        #expect(duplicate.status != 0)
        #expect(duplicate.stderr.contains("already exists"))
    }

    @Test func pluginsActionsAndProcesses() throws {
        let cli = try MetagovdRunner()
        _ = try cli.run(["community", "create", "--slug", "c", "--name", "C"])
        let types = try cli.run(["plugin", "types"]).json()
        #expect(types.arrayValue?.compactMap { $0["name"]?.stringValue } == ["inbound", "poll", "randomness"])
        let notEnabled = try cli.run(["action", "perform", "--community", "c", "--plugin", "randomness", "--action", "random-int"])
        #expect(notEnabled.status != 0)
        #expect(notEnabled.stderr.contains("plugin 'randomness' is not enabled for community 'c'"))
        let badConfig = try cli.run(["plugin", "enable", "--community", "c", "--name", "randomness", "--config", #"{"default_low": "x", "default_high": 3}"#])
        #expect(badConfig.status != 0)
        #expect(badConfig.stderr.contains("Validation error"))
        #expect(badConfig.stderr.contains("/default_low"))
        let enabled = try cli.run(["plugin", "enable", "--community", "c", "--name", "randomness", "--config", #"{"default_low": 3, "default_high": 4}"#])
        #expect(enabled.status == 0, "\(enabled.stderr)")
        #expect(try cli.run(["plugin", "list", "--community", "c"]).json().arrayValue?.count == 1)
        let value = try cli.run(["action", "perform", "--community", "c", "--plugin", "randomness", "--action", "random-int"])
        #expect(try value.json() == ["value": 3])
        let unknownAction = try cli.run(["action", "perform", "--community", "c", "--plugin", "randomness", "--action", "nope"])
        #expect(unknownAction.stderr.contains("action 'randomness.nope' not found"))
        let badJSON = try cli.run(["action", "perform", "--community", "c", "--plugin", "randomness", "--action", "random-int", "--parameters", "{oops"])
        #expect(badJSON.status != 0)
        #expect(badJSON.stderr.contains("--parameters is not valid JSON"))

        let started = try cli.run(["process", "start", "--community", "c", "--plugin", "randomness", "--process", "delayed-stochastic-vote",
                                   "--parameters", #"{"options": ["a", "b"], "delay": 0}"#, "--callback-url", "http://127.0.0.1:9/cb"])
        #expect(started.status == 0, "\(started.stderr)")
        let id = try #require(try started.json()["id"]?.intValue)
        #expect(try started.json()["status"] == "pending")
        #expect(try cli.run(["process", "list", "--community", "c", "--status", "pending"]).json()["processes"]?.arrayValue?.count == 1)
        let tick = try cli.run(["tick"]).json()
        #expect(tick["processes_completed"] == 1)
        let shown = try cli.run(["process", "show", String(id)]).json()
        #expect(shown["status"] == "completed")
        #expect(["a", "b"].contains(shown["outcome"]?["winner"]?.stringValue ?? ""))
        let closeAgain = try cli.run(["process", "close", String(id)])
        #expect(closeAgain.status != 0)
        #expect(closeAgain.stderr.contains("already completed"))
        #expect(try cli.run(["process", "show", "999"]).stderr.contains("process 999 not found"))
        #expect(try cli.run(["plugin", "disable", "--community", "c", "--name", "randomness"]).status == 0)
        #expect(try cli.run(["plugin", "list", "--community", "c"]).json() == [])
    }

    @Test func databaseFromEnvironmentAndPersistence() throws {
        let cli = try MetagovdRunner()
        let path = cli.directory.appendingPathComponent("env.sqlite").path
        #expect(try cli.run(["community", "create", "--slug", "env", "--name", "E"], environment: ["METAGOV_DATABASE": path], useDatabaseFlag: false).status == 0)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try cli.run(["community", "show", "env"], environment: ["METAGOV_DATABASE": path], useDatabaseFlag: false).status == 0)
        #expect(try cli.run(["community", "show", "env"]).status != 0)
        _ = try cli.run(["community", "create", "--slug", "dflt", "--name", "D"], useDatabaseFlag: false)
        #expect(FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent("metagov.sqlite").path))
    }

    @Test func schemaValidate() throws {
        let cli = try MetagovdRunner()
        let schema = try cli.file("schema.json", #"{"type": "object", "properties": {"n": {"type": "integer", "minimum": 3}}, "required": ["n"]}"#)
        let good = try cli.file("good.json", #"{"n": 5}"#)
        let bad = try cli.file("bad.json", #"{"n": 1}"#)
        let valid = try cli.run(["schema", "validate", "--schema", schema, "--instance", good])
        #expect(valid.status == 0)
        #expect(try valid.json()["valid"] == true)
        let invalid = try cli.run(["schema", "validate", "--schema", schema, "--instance", bad])
        #expect(invalid.status == 1)
        let error = try #require(try invalid.json()["errors"]?.arrayValue?.first)
        #expect(error["instance_path"] == "/n")
        #expect(error["keyword"] == "minimum")
        let broken = try cli.run(["schema", "validate", "--schema", try cli.file("broken.json", "{"), "--instance", good])
        #expect(broken.status != 0 && broken.status != 1)
    }

    @Test func configDeclarationAndValidation() throws {
        let cli = try MetagovdRunner()
        let declaration = try cli.run(["config", "declaration"])
        #expect(declaration.status == 0)
        #expect(declaration.stdout.contains("metagov.plugins = inbound poll randomness"))
        #expect(declaration.stdout.contains("# (type: int, default: 10)"))
        let config = try cli.file("metagov.ini", "metagov.hooks.max_attempts = lots\n")
        let invalid = try cli.run(["--config-file", config, "community", "list"])
        #expect(invalid.status != 0)
        #expect(invalid.stderr.contains("metagov.hooks.max_attempts"))
        let onlyPoll = try cli.file("poll.ini", "metagov.plugins = poll\n")
        #expect(try cli.run(["--config-file", onlyPoll, "plugin", "types"]).json().arrayValue?.count == 1)
        let envInvalid = try cli.run(["community", "list"], environment: ["METAGOV_PLUGINS": "ghost"])
        #expect(envInvalid.status != 0)
        #expect(envInvalid.stderr.contains("metagov.plugins"))
    }

    @Test func extensionCommandsRun() throws {
        let cli = try MetagovdRunner()
        _ = try cli.run(["community", "create", "--slug", "c", "--name", "C"])
        _ = try cli.run(["plugin", "enable", "--community", "c", "--name", "poll"])
        let started = try cli.run(["process", "start", "--community", "c", "--plugin", "poll", "--process", "vote",
                                   "--parameters", #"{"title": "Lunch", "options": ["a", "b"]}"#])
        let id = try #require(try started.json()["id"]?.intValue)
        _ = try cli.run(["action", "perform", "--community", "c", "--plugin", "poll", "--action", "cast-vote",
                         "--parameters", #"{"process_id": \#(id), "voter": "ann", "option": "b"}"#])
        let listed = try cli.run(["plugin-commands"]).json()
        #expect(listed.arrayValue?.contains { $0["name"] == "poll-tally" } == true)
        let tally = try cli.run(["poll-tally", String(id)])
        #expect(tally.status == 0, "\(tally.stderr)")
        #expect(try tally.json()["outcome"] == ["votes": ["a": 0, "b": 1], "voter_count": 1])
        #expect(try tally.json()["title"] == "Lunch")
        let missing = try cli.run(["poll-tally", "999"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("process 999 not found"))
        #expect(try cli.run(["no-such-command"]).status != 0)
    }
}
