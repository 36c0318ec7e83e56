import ArgumentParser
import Foundation
import MetagovCore

/// Dispatches `metagovd <name> ...` to a ``CommandProvider``'s command.
enum ExtensionCommandRouter {
    /// Splits leading global options (`--database X`, `--config X`) from the command name and its
    /// arguments; `nil` when the command is one of the built-ins or there is none.
    static func split(_ arguments: [String]) -> (GlobalOptions, String, [String])? {
        var global = GlobalOptions()
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--database" || word == "--config", index + 1 < arguments.count {
                if word == "--database" { global.database = arguments[index + 1] } else { global.config = arguments[index + 1] }
                index += 2
            } else if let value = word.split(separator: "=", maxSplits: 1).last, word.hasPrefix("--database=") {
                global.database = String(value)
                index += 1
            } else if let value = word.split(separator: "=", maxSplits: 1).last, word.hasPrefix("--config=") {
                global.config = String(value)
                index += 1
            } else {
                break
            }
        }
        guard index < arguments.count else { return nil }
        let name = arguments[index]
        let builtins = MetagovdCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
        guard !name.hasPrefix("-"), !builtins.contains(name), name != "help" else { return nil }
        return (global, name, Array(arguments[(index + 1)...]))
    }

    /// Runs the extension command `name`; `nil` when no loaded extension provides it.
    static func run(_ name: String, arguments: [String], global: GlobalOptions) async throws -> Int32? {
        let (registry, config) = try CoreBootstrap.load(configPath: global.configPath)
        let commands = registry.implementations(of: (any CommandProvider).self).flatMap { $0.commands() }
        guard let command = commands.first(where: { $0.name == name }) else { return nil }
        let core = try global.openCore(registry: registry, config: config)
        return try await command.run(arguments, CommandEnvironment(metagov: core, print: { Swift.print($0) }))
    }
}
