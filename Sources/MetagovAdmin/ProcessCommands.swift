import ArgumentParser
import MetagovCore

extension ProcessStatus: ExpressibleByArgument {}

package struct ProcessCommand: ParsableCommand {
    package init() {}
    package static let configuration = CommandConfiguration(
        commandName: "process", abstract: "Start, show, close and list governance processes.",
        subcommands: [Start.self, Show.self, Close.self, List.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a governance process.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "Plugin type name.") var plugin: String
        @Option(help: "Process type name.") var process: String
        @Option(help: "Parameters as a JSON object.") var parameters: String?
        @Option(help: "URL notified when the process is updated.") var callbackURL: String?
        @Option(help: "Community platform id of the instance.") var platformID: String?

        func run() async throws {
            let parameters = try parseJSONArgument(parameters, option: "parameters")
            Output.print(try await global.openCore().processes.start(
                community: community, plugin: plugin, process: process, parameters: parameters,
                callbackURL: callbackURL, communityPlatformID: platformID))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a process.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Process id.") var id: Int64

        func run() async throws { Output.print(try await global.openCore().processes.get(id)) }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a process through its type's close().")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Process id.") var id: Int64

        func run() async throws { Output.print(try await global.openCore().processes.close(id)) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a community's processes.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "Only this status: created, pending or completed.") var status: ProcessStatus?
        @Option(help: "Only processes of this plugin type.") var plugin: String?
        @Option(help: "Only processes of this process type.") var process: String?
        @Option(help: "Processes per page (0 = default).") var pageSize = 0
        @Option(help: "Token from a previous page's next_page_token.") var pageToken: String?

        func run() async throws {
            let filter = ProcessFilter(community: community, plugin: plugin, name: process, status: status)
            let page = try await global.openCore().processes.list(filter, pageSize: pageSize, pageToken: pageToken)
            Output.print(["processes": .array(page.items.map(\.json)),
                          "next_page_token": page.nextPageToken.map(JSONValue.string) ?? .null])
        }
    }
}
