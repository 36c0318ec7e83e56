import MetagovAdmin
import ArgumentParser
import Foundation
import MetagovCore

struct PluginCommandsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin-commands", abstract: "List the subcommands the loaded extensions add.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (registry, _) = try CoreBootstrap.load(configPath: global.configPath)
        let commands = registry.implementations(of: (any CommandProvider).self).flatMap { $0.commands() }
        Output.print(.array(commands.map { ["name": .string($0.name), "abstract": .string($0.abstract)] }))
    }
}
