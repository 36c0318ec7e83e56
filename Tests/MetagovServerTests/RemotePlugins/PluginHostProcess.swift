import Foundation
import MetagovClient

/// A real plugin host: `python3 -m metagov.plugin_host` from this checkout's Python SDK, serving plugin
/// packages from a directory to a gateway.
final class PluginHostProcess: @unchecked Sendable {
    /// The checkout's root (this file is Tests/MetagovServerTests/RemotePlugins/PluginHostProcess.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// Plugins written for the SDK's tests in Metagov's style: `townhall` (a forum) and `ledger`.
    static let testPlugins = root.appendingPathComponent("clients/python/tests/plugin_sdk/plugins").path
    /// The example plugins: `randomness` (Metagov's example plugin) and `tally` (the README's).
    static let examplePlugins = root.appendingPathComponent("examples/python-plugins").path
    /// Plugins for the gateway's failure tests (`slowpoke`).
    static let gatewayTestPlugins = root.appendingPathComponent("clients/python/tests/gateway_plugins").path

    /// A temporary plugins directory holding links to some of the packages of `source`; remove it after use.
    static func directory(linking packages: [String], from source: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plugins-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for package in packages {
            try FileManager.default.createSymbolicLink(
                atPath: directory.appendingPathComponent(package).path, withDestinationPath: source + "/" + package)
        }
        return directory.path
    }

    private let process = Process()
    private let lock = NSLock()
    private var output = ""

    /// Starts a host serving the packages of `plugins` to the gateway on `port`.
    init(port: Int, token: String? = nil, plugins: [String], maxInFlight: Int = 8, extra: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "metagov.plugin_host", "--server", "127.0.0.1:\(port)", "--max-in-flight", String(maxInFlight),
                             "--drain-timeout", "20"]
            + plugins.flatMap { ["--plugins", $0] } + extra
        var environment = ProcessInfo.processInfo.environment
        let sdk = Self.root.appendingPathComponent("clients/python").path
        environment["PYTHONPATH"] = [sdk, environment["PYTHONPATH"]].compactMap { $0 }.joined(separator: ":")
        environment["PYTHONUNBUFFERED"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"  // never leave __pycache__ beside the generated stubs
        environment["METAGOV_TOKEN"] = token ?? ""
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.output += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    /// Everything the host logged so far.
    var log: String { lock.withLock { output } }

    /// How many times a gateway accepted this host's registration.
    var registrations: Int { log.components(separatedBy: "registered with gateway").count - 1 }

    /// Waits until the gateway accepted the host's registration `count` times; throws with the host's log
    /// when it does not (or exits).
    func waitRegistered(_ count: Int = 1, timeout: Duration = remoteCallTimeout) async throws {
        let held = await eventually(timeout: timeout) { self.registrations >= count || !self.process.isRunning }
        guard held, registrations >= count else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "the plugin host did not register:\n\(log)"])
        }
    }

    /// SIGTERM (the host drains: running invocations finish, then it exits) and its exit status.
    @discardableResult
    func stop() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL: the host dies with whatever it was doing.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Waits for the host to exit on its own and returns its status.
    func waitForExit(timeout: Duration = remoteCallTimeout) async -> Int32? {
        _ = await eventually(timeout: timeout) { !self.process.isRunning }
        return process.isRunning ? nil : process.terminationStatus
    }
}

/// How long one call may take in the plugin host tests: generous, for a busy machine running Python hosts
/// next to the server (the tests assert outcomes, never durations).
let remoteCallTimeout: Duration = .seconds(180)

/// Runs `body` against a fresh `metagovd serve --no-auth` (with `environment`) and a client whose calls may
/// take ``remoteCallTimeout``, then stops both; the server must exit 0.
func withRemoteServer(
    environment: [String: String] = [:], _ body: (ServerProcess, MetagovClient) async throws -> Void
) async throws {
    try await withServer(environment: environment, timeout: remoteCallTimeout, body)
}
