import ArgumentParser
import Foundation

/// `metagov-bench`: benchmark drivers run by the scripts in `bench/` against a running `metagovd serve --no-auth`.
@main
struct MetagovBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metagov-bench", abstract: "Benchmark drivers for metagovd (see bench/README.md).",
        subcommands: [EventFanout.self, SeedVotes.self, CatchUp.self])
}

/// `HOST:PORT` of the server.
struct ServerAddress: ExpressibleByArgument {
    let host: String
    let port: Int

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]) else {
            return nil
        }
        host = String(argument[..<colon])
        self.port = port
    }
}

/// A benchmark saw something other than what it must see (the figures would not be valid).
struct FanoutError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
