import ArgumentParser
import MetagovProto
import MetagovProtoGRPC

struct ActionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "action", abstract: "Perform plugin actions.", subcommands: [Perform.self])

    struct Perform: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Perform PLUGIN.ACTION for a community.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Argument(help: "PLUGIN.ACTION, e.g. randomness.random-int.") var action: String
        @Option(help: "Parameters (JSON object).") var parameters: String?
        @Option(help: "Which instance, when several are enabled.") var communityPlatformId = ""

        func run() async throws {
            guard let dot = action.firstIndex(of: ".") else { throw ValidationError("ACTION must be PLUGIN.ACTION") }
            let parameters = try structArgument(parameters, option: "parameters")
            try await client.withClient {
                emit(try await $0.actions.performAction(
                    .init(
                        community: community, plugin: String(action[..<dot]),
                        action: String(action[action.index(after: dot)...]), parameters: parameters,
                        communityPlatformId: communityPlatformId)))
            }
        }
    }
}
