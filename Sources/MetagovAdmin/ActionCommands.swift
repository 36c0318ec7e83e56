import ArgumentParser
import MetagovCore

package struct ActionCommand: ParsableCommand {
    package init() {}
    package static let configuration = CommandConfiguration(
        commandName: "action", abstract: "Perform plugin actions.", subcommands: [Perform.self])

    struct Perform: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Perform an action of a community's plugin.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "Plugin type name.") var plugin: String
        @Option(help: "Action slug.") var action: String
        @Option(help: "Parameters as a JSON object.") var parameters: String?
        @Option(help: "Community platform id of the instance.") var platformID: String?

        func run() async throws {
            let parameters = try parseJSONArgument(parameters, option: "parameters")
            Output.print(try await global.openCore().actions.perform(
                community: community, plugin: plugin, action: action, parameters: parameters,
                communityPlatformID: platformID))
        }
    }
}
