import ArgumentParser
import MetagovCore

package struct PluginGroupCommand: ParsableCommand {
    package init() {}
    package static let configuration = CommandConfiguration(
        commandName: "plugin", abstract: "List plugin types; enable, disable and list plugin instances.",
        subcommands: [Types.self, Enable.self, Disable.self, List.self])

    struct Types: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the plugin types with their schemas (built-in ones and those plugin hosts registered).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            Output.print(.array(try await global.openCoreWithRemoteTypes().plugins.types().map(\.json)))
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a plugin for a community, or update its config.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "Plugin type name.") var name: String
        @Option(help: "Config as a JSON object.") var config: String?

        func run() async throws {
            let config = try parseJSONArgument(config, option: "config")
            Output.print(try await global.openCoreWithRemoteTypes().plugins.enable(community: community, name: name, config: config))
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a plugin instance (its state and processes go too).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "Plugin type name.") var name: String
        @Option(help: "Community platform id of the instance.") var platformID: String?
        @Option(help: "Instance id.") var id: Int64?

        func run() async throws {
            Output.print(try await global.openCore().plugins.disable(
                community: community, name: name, communityPlatformID: platformID, id: id))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a community's plugin instances.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Community slug.") var community: String

        func run() async throws {
            Output.print(try await global.openCore().plugins.list(community: community))
        }
    }
}
