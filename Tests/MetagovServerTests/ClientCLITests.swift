import Foundation
import MetagovCore
import Testing

/// Runs the built `metagov` CLI and returns (status, stdout lines, stderr).
private func metagov(_ arguments: [String], timeout: TimeInterval? = nil) throws -> (Int32, [String], String) {
    let process = Process()
    process.executableURL = try ServerProcess.binary("metagov")
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    if let timeout {
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { process.interrupt() } }
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let lines = String(decoding: stdout, as: UTF8.self).split(separator: "\n").map(String.init)
    return (process.terminationStatus, lines, String(decoding: stderr, as: UTF8.self))
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
}
