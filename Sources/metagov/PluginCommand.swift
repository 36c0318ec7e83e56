import ArgumentParser
import MetagovProto
import MetagovProtoGRPC

struct PluginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin", abstract: "Plugin types and the plugins enabled for communities.",
        subcommands: [Types.self, Enable.self, Disable.self, List.self])

    struct Types: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the plugin types with their schemas.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await client.withClient { emit(try await $0.plugins.listPluginTypes(.init())) }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a plugin for a community.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Argument(help: "Plugin type name.") var name: String
        @Option(help: "Plugin configuration (JSON object).") var config: String?

        func run() async throws {
            let config = try structArgument(config, option: "config")
            try await client.withClient {
                emit(try await $0.plugins.enablePlugin(.init(community: community, name: name, config: config)))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a plugin of a community.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Argument(help: "Plugin type name.") var name: String
        @Option(help: "Which instance, when several are enabled.") var communityPlatformId = ""
        @Option(help: "Instance id.") var id: Int64 = 0

        func run() async throws {
            try await client.withClient {
                emit(try await $0.plugins.disablePlugin(
                    .init(community: community, name: name, communityPlatformId: communityPlatformId, id: id)))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the plugins enabled for a community.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String

        func run() async throws {
            try await client.withClient { emit(try await $0.plugins.listPlugins(.init(community: community))) }
        }
    }
}
