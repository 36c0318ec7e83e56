import Foundation
import MetagovClient
import MetagovGRPC
import MetagovTestSupport

/// A real `metagovd serve` on a free loopback port, on a database in a temporary directory (or on a database
/// given, such as a PostgreSQL URL that several servers share).
final class ServerProcess: @unchecked Sendable {
    let directory: URL
    private let sharedDatabase: String?
    var database: String { self.sharedDatabase ?? self.directory.appendingPathComponent("metagov.sqlite").path }
    private(set) var port = 0
    private var process: Process?
    private var stderr = Pipe()
    private let log = Log()

    init(database: String? = nil) throws {
        self.sharedDatabase = database
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("metagovd-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    /// What the server wrote to standard error so far (its log).
    var logText: String { log.text }

    deinit {
        if let process, process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// The built binary `name` next to the test bundle.
    static func binary(_ name: String) throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "\(name) not found near the tests"])
    }

    /// Writes a configuration file (`key = value` lines) and returns the arguments that use it.
    func configFile(_ lines: [String: String]) throws -> [String] {
        let url = self.directory.appendingPathComponent("metagov.conf")
        try lines.map { "\($0.key) = \($0.value)" }.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return ["--config-file", url.path]
    }

    /// Where a server with authentication writes its first admin token.
    var adminTokenPath: String { self.database + ".admin-token" }

    /// The first admin token, once a server with authentication has started.
    func adminToken() throws -> String {
        try String(contentsOfFile: self.adminTokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `metagovd --database <this server's database> arguments...` and returns its standard output.
    func admin(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = try Self.binary("metagovd")
        process.arguments = ["--database", self.database] + arguments
        return try runToEnd(process).stdoutText
    }

    /// Starts the server and waits for its "serving on" line. Without `authentication`, it runs with
    /// `--no-auth` (every caller is an administrator). `port` 0 lets the system pick a free port. With
    /// `loopbackDeliveries` (the tests' webhook receivers listen on loopback), outbound deliveries may go to
    /// 127.0.0.0/8. `environment` adds variables (configuration overrides) to the server's environment.
    func start(
        authentication: Bool = false, port: Int = 0, extraArguments: [String] = [], loopbackDeliveries: Bool = true,
        environment extra: [String: String] = [:]
    ) throws {
        let process = Process()
        process.executableURL = try Self.binary("metagovd")
        process.arguments = ["serve", "--port", String(port), "--database", self.database, "--scheduler-interval", "0.2"]
            + (authentication ? [] : ["--no-auth"]) + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "METAGOV_CONFIG")
        environment["METAGOV_DELIVERY_ALLOWED_DESTINATIONS"] = loopbackDeliveries ? "127.0.0.0/8" : nil
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let stdout = Pipe()
        self.stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = self.stderr
        try process.run()
        // A thread of its own drains the log until the process closes it (a dispatch-based readability handler
        // outliving its pipe crashes Foundation on Linux).
        let (log, reader) = (self.log, self.stderr.fileHandleForReading)
        Thread.detachNewThread {
            while case let chunk = reader.availableData, !chunk.isEmpty { log.append(chunk) }
        }
        self.process = process
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "metagovd exited before serving"]) }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "metagovd serving on 127.0.0.1:"),
            let port = Int(text[range.upperBound...].prefix { $0.isNumber })
        else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "unexpected output: \(text)"]) }
        self.port = port
    }

    /// Kills the server with SIGKILL (no shutdown of any kind) and waits until it is gone.
    func kill() {
        guard let process else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Whether the server process is still running.
    var isRunning: Bool { self.process?.isRunning ?? false }

    /// Sends SIGTERM and returns the exit status. A server still running 30 s later (its shutdown grace is 10 s)
    /// is killed, so a test never waits on it for long: this blocks the calling thread, one of the few that run
    /// all the tests' tasks.
    @discardableResult
    func stop() -> Int32 {
        guard let process else { return -1 }
        process.terminate()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
        return process.terminationStatus
    }

    func client(token: String? = nil, timeout: Duration? = .seconds(60)) async throws -> MetagovClient {
        try await MetagovClient.connect(host: "127.0.0.1", port: self.port, token: token, timeout: timeout)
    }

    func rawConnection() async throws -> GRPCClient {
        try await GRPCClient.connect(host: "127.0.0.1", port: self.port)
    }
}

/// Runs `body` against a fresh server (with `environment`) and a client of it whose calls may take `timeout`,
/// then stops both and checks the server exited 0.
func withServer(
    environment: [String: String] = [:], timeout: Duration = .seconds(60),
    _ body: (ServerProcess, MetagovClient) async throws -> Void
) async throws {
    let server = try ServerProcess()
    try server.start(environment: environment)
    let client = try await server.client(timeout: timeout)
    do {
        try await body(server, client)
    } catch {
        await client.close()
        server.stop()
        throw error
    }
    await client.close()
    let status = server.stop()
    if status != 0 { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "metagovd exited \(status)"]) }
}

/// The status a call failed with, or nil if it succeeded.
func status(of body: () async throws -> Void) async -> GRPCStatus? {
    do {
        try await body()
        return nil
    } catch let status as GRPCStatus {
        return status
    } catch {
        return GRPCStatus(.unknown, "\(error)")
    }
}

/// Bytes a process writes to a pipe, kept as they arrive (so that the pipe never fills up and blocks it).
private final class Log: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
