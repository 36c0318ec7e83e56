import MetagovAdmin
import ArgumentParser
import Foundation
import MetagovCore

/// Dispatches `metagovd <name> ...` to a ``CommandProvider``'s command.
enum ExtensionCommandRouter {
    /// The options of ``GlobalOptions``, each taking a value.
    private static let globalOptionNames: Set<String> = ["--database", "--config-file", "--busy-timeout"]

    /// Splits leading global options (`--database X`, `--config-file X`, `--busy-timeout S`, also `--database=X`)
    /// from the rest.
    static func leadingGlobalOptions(_ arguments: [String]) -> (global: [String], rest: [String]) {
        var index = 0
        while index < arguments.count {
            let name = arguments[index].split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            guard globalOptionNames.contains(name) else { break }
            index += arguments[index].contains("=") ? 1 : 2
        }
        index = min(index, arguments.count)
        return (Array(arguments[..<index]), Array(arguments[index...]))
    }

    /// The extension command name and its arguments, or `nil` when the first word is a built-in command,
    /// an option, or missing.
    static func extensionCommand(_ arguments: [String]) -> (String, [String])? {
        guard let name = arguments.first else { return nil }
        let builtins = MetagovdCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
        guard !name.hasPrefix("-"), !builtins.contains(name), name != "help" else { return nil }
        return (name, Array(arguments.dropFirst()))
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
