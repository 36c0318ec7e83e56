import Foundation
import MetagovCore
import MetagovTestSupport
import Testing

/// Runs the built `metagov` CLI and returns (status, stdout lines, stderr).
private func metagov(_ arguments: [String], timeout: TimeInterval? = nil) throws -> (Int32, [String], String) {
    let process = Process()
    process.executableURL = try ServerProcess.binary("metagov")
    process.arguments = arguments
    let output = try runToEnd(process) {
        if let timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { process.interrupt() } }
        }
    }
    return (output.status, output.stdoutText.split(separator: "\n").map(String.init), output.stderrText)
}

@Suite("metagov CLI against metagovd serve")
struct ClientCLITests {
    @Test("create, enable, perform, vote; events subscribe prints one JSON event per line; errors are CODE: message")
    func cliRoundTrip() async throws {
        try await withServer { server, _ in
            let address = ["--server", "127.0.0.1:\(server.port)"]
            var (status, lines, _) = try metagov(address + ["community", "create", "--slug", "cli", "--name", "CLI"])
            #expect(status == 0)
            #expect(try JSONValue(parsing: lines[0])["slug"] == "cli")
            (status, _, _) = try metagov(address + ["plugin", "enable", "--community", "cli", "poll"])
            #expect(status == 0)
            (status, lines, _) = try metagov(address + [
                "process", "start", "--community", "cli", "poll.vote", "--parameters", #"{"title":"T","options":["a","b"]}"#,
            ])
            #expect(status == 0)
            let id = try #require(try JSONValue(parsing: lines[0])["id"]?.intValue)
            for voter in ["x", "y"] {
                (status, _, _) = try metagov(address + [
                    "action", "perform", "--community", "cli", "poll.cast-vote",
                    "--parameters", #"{"process_id":\#(id),"voter":"\#(voter)","option":"b"}"#,
                ])
                #expect(status == 0)
            }
            (status, lines, _) = try metagov(address + ["events", "subscribe", "--community", "cli"], timeout: 1.5)
            #expect(lines.count == 2)
            let events = try lines.map { try JSONValue(parsing: $0) }
            #expect(events.map { $0["data"]?["voter"] } == ["x", "y"])
            let first = try #require(events.first?["cursor"]?.intValue)
            (status, lines, _) = try metagov(address + ["events", "subscribe", "--after", "\(first)"], timeout: 1.5)
            #expect(lines.count == 1)
            let error: String
            (status, _, error) = try metagov(address + ["community", "show", "nope"])
            #expect(status == 1)
            #expect(error.hasPrefix("NOT_FOUND: community 'nope' not found"))
            (status, lines, _) = try metagov(["--server", "127.0.0.1:\(server.port)", "health"])
            #expect(lines == [#"{"status":"SERVING"}"#])
        }
    }

    @Test("webhook create, list, update, deliveries, redeliver, delete; bad options fail before calling")
    func webhookCommands() async throws {
        let receiver = WebhookReceiver()
        try receiver.start()
        defer { receiver.stop() }
        try await withServer { server, client in
            let address = ["--server", "127.0.0.1:\(server.port)"]
            _ = try await client.communities.createCommunity(.init(slug: "hooks", readableName: "Hooks"))
            _ = try await client.plugins.enablePlugin(.init(community: "hooks", name: "poll"))
            var (status, lines, error) = try metagov(address + [
                "webhook", "create", "--community", "hooks", "--url", receiver.url, "--event-type", "nothing-matches",
            ])
            #expect(status == 0)
            let created = try JSONValue(parsing: lines[0])
            let id = try #require(created["id"]?.intValue)
            #expect(created["event_types"] == ["nothing-matches"])
            (status, lines, _) = try metagov(address + ["webhook", "update", "\(id)", "--every-event-type", "--secret", "k"])
            #expect(status == 0)
            #expect(try JSONValue(parsing: lines[0])["event_types"] == [])
            (status, lines, _) = try metagov(address + ["webhook", "list", "--community", "hooks"])
            #expect(try JSONValue(parsing: lines[0])["webhooks"]?.arrayValue?.count == 1)

            (status, lines, _) = try metagov(address + [
                "process", "start", "--community", "hooks", "poll.vote", "--parameters", #"{"title":"T","options":["a","b"]}"#,
            ])
            let poll = try #require(try JSONValue(parsing: lines[0])["id"]?.intValue)
            (status, _, _) = try metagov(address + [
                "action", "perform", "--community", "hooks", "poll.cast-vote",
                "--parameters", #"{"process_id":\#(poll),"voter":"v","option":"a"}"#,
            ])
            #expect(status == 0)
            let first = try await receiver.waitFor(1)
            #expect(first.count == 1)
            #expect(first.first?.headers["x-metagov-signature"]?.hasPrefix("sha256=") == true)
            var deliveries: [JSONValue] = []
            for _ in 0..<100 {
                (status, lines, _) = try metagov(address + ["webhook", "deliveries", "--webhook", "\(id)", "--status", "delivered"])
                deliveries = try JSONValue(parsing: lines[0])["deliveries"]?.arrayValue ?? []
                if !deliveries.isEmpty { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let delivery = try #require(deliveries.first?["id"]?.intValue)
            (status, lines, _) = try metagov(address + ["webhook", "redeliver", "\(delivery)"])
            #expect(status == 0)
            let again = try await receiver.waitFor(2)
            #expect(again.count == 2)
            #expect(again.map { $0.headers["x-metagov-event-id"] }.allSatisfy { $0 == first.first?.headers["x-metagov-event-id"] })

            (status, _, error) = try metagov(address + ["webhook", "update", "\(id)"])
            #expect(status != 0)
            #expect(error.contains("nothing to change"))
            (status, _, error) = try metagov(address + ["webhook", "deliveries", "--status", "sideways"])
            #expect(status != 0)
            #expect(error.contains("--status must be pending, delivered or failed"))
            (status, _, _) = try metagov(address + ["webhook", "delete", "\(id)"])
            #expect(status == 0)
            (status, _, error) = try metagov(address + ["webhook", "delete", "\(id)"])
            #expect(status == 1)
            #expect(error.hasPrefix("NOT_FOUND"))
        }
    }
}
