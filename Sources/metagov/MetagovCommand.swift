import ArgumentParser

/// `metagov`: the command-line client of a metagov-swift server.
@main
struct MetagovCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metagov",
        abstract: "Call a metagov-swift server over gRPC (one JSON document per line on standard output).",
        subcommands: [
            CommunityCommand.self, PluginCommand.self, ActionCommand.self, ProcessCommand.self, EventsCommand.self,
            WebhookCommand.self, IdentityCommand.self, HealthCommand.self,
        ])

    /// Runs with the process's arguments; client options given before the subcommand
    /// (`metagov --server HOST:PORT community list`) are handed to the subcommand.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        var index = 0
        while index < arguments.count {
            let name = arguments[index].split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            if name == "--tls" {
                index += 1
                continue
            }
            guard ["--server", "--token", "--timeout", "--ca", "--cert", "--key"].contains(name) else { break }
            index += arguments[index].contains("=") ? 1 : 2
        }
        index = min(index, arguments.count)
        await Self.main(Array(arguments[index...]) + Array(arguments[..<index]))
    }
}
