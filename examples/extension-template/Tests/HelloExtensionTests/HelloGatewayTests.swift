import Foundation
import MetagovClient
import MetagovGRPC
import MetagovProto
import Testing

/// The `hello-gateway` executable this package builds, run as a user would: the admin commands and the server
/// with the hello extension beside the built-in plugins, called with MetagovClient.
@Suite("hello-gateway, the executable")
struct HelloGatewayTests {
    @Test("serves the built-in plugin types and hello; greet works over gRPC; the interceptor refuses blocked calls")
    func serves() async throws {
        let gateway = try Gateway()
        #expect(try gateway.run(["community", "create", "--slug", "town", "--name", "Town"]).contains("town"))
        try gateway.start()
        defer { gateway.stop() }
        let client = try await MetagovClient.connect(host: "127.0.0.1", port: gateway.port, timeout: .seconds(30))
        let types = try await client.plugins.listPluginTypes(.init()).types.map(\.name)
        #expect(Set(types).isSuperset(of: ["hello", "randomness", "poll"]))
        _ = try await client.plugins.enablePlugin(.init(community: "town", name: "hello"))
        let greeted = try await client.actions.performAction(.init(
            community: "town", plugin: "hello", action: "greet", parameters: .init(fields: ["name": .init(json: "Ada")])))
        #expect(greeted.result?.json["text"] == "Hello, Ada!")

        var blocked = GRPCCallOptions()
        blocked.metadata.add("x-hello-block", "yes")
        do {
            _ = try await client.communities.getCommunity(.init(slug: "town"), options: blocked)
            Issue.record("a blocked call was answered")
        } catch let status as GRPCStatus {
            #expect(status.code == .permissionDenied)
            #expect(status.message.contains("/metagov.v1.Communities/GetCommunity"))
        }
        await client.close()
    }
}

/// `hello-gateway` on a temporary database.
final class Gateway {
    private let directory: URL
    private var server: Process?
    private(set) var port = 0

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hello-gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    private var database: String { directory.appendingPathComponent("hello.sqlite").path }

    /// The executable, built next to the test bundle.
    private static func binary() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("hello-gateway")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "hello-gateway not found: swift build first"])
    }

    /// Runs an admin command to completion and returns its standard output.
    func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = ["--database", database] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Starts `serve` on a free port (no authentication) and waits until it listens.
    func start() throws {
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = ["serve", "--port", "0", "--no-auth", "--database", database, "--scheduler-interval", "0"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        server = process
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "hello-gateway exited"]) }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "serving on 127.0.0.1:"), let port = Int(text[range.upperBound...].prefix(while: \.isNumber)) else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "unexpected output: \(text)"])
        }
        self.port = port
    }

    /// SIGTERM, and waits for the exit.
    func stop() {
        server?.terminate()
        server?.waitUntilExit()
        server = nil
    }
}
