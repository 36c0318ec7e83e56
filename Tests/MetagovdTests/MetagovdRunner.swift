import Foundation
import MetagovCore
import MetagovTestSupport

/// Runs the built `metagovd` binary against a temporary database.
struct MetagovdRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Standard output parsed as JSON.
        func json() throws -> JSONValue { try JSONValue(parsing: stdout) }
    }

    let directory: URL
    var database: String { directory.appendingPathComponent("cli.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("metagovd-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The binary next to the test bundle (both are build products of the same build).
    static func binary() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("metagovd")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "metagovd binary not found near \(CommandLine.arguments[0])"])
    }

    /// Runs `metagovd --database <temp> args...` (or without `--database` when `useDatabaseFlag` is false).
    func run(_ arguments: [String], environment: [String: String] = [:], useDatabaseFlag: Bool = true) throws -> Result {
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = (useDatabaseFlag ? ["--database", database] : []) + arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "METAGOV_DATABASE")
        env.removeValue(forKey: "METAGOV_CONFIG")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = try runToEnd(process)
        return Result(status: output.status, stdout: output.stdoutText, stderr: output.stderrText)
    }

    /// Writes `text` to a file in the temporary directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
