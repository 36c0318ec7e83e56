import MetagovAdmin
import ArgumentParser
import Foundation
import MetagovCore

/// `metagovd`: the server and admin executable. Admin commands work directly on the database, with no
/// server running.
struct MetagovdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metagovd",
        abstract: "metagov-swift governance gateway: admin commands on the database.",
        discussion: "Extensions may add more subcommands; 'metagovd plugin-commands' lists them.",
        subcommands: [
            ServeCommand.self, TokenCommand.self, CommunityCommand.self, PluginGroupCommand.self, ActionCommand.self, ProcessCommand.self, TickCommand.self,
            SchemaCommand.self, ConfigCommand.self, MigrateDataCommand.self, PluginCommandsList.self,
        ])

    init() {}

    /// Runs `metagovd` with the process's arguments: an extension's command when the first word names one,
    /// else the built-in commands.
    static func entryPoint() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let (globalArguments, command) = ExtensionCommandRouter.leadingGlobalOptions(arguments)
        if let (name, rest) = ExtensionCommandRouter.extensionCommand(command) {
            do {
                let global = try GlobalOptions.parse(globalArguments)
                if let exitCode = try await ExtensionCommandRouter.run(name, arguments: rest, global: global) {
                    Foundation.exit(exitCode)
                }
            } catch {
                exit(withError: error)
            }
        }
        // Global options given before the subcommand are parsed by the subcommand's option group.
        await main(command + globalArguments)
    }
}
