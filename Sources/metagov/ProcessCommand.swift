import ArgumentParser
import MetagovProto
import MetagovProtoGRPC

struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process", abstract: "Governance processes.",
        subcommands: [Start.self, Show.self, Close.self, List.self, Watch.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start PLUGIN.PROCESS for a community.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Argument(help: "PLUGIN.PROCESS, e.g. poll.vote.") var process: String
        @Option(help: "Parameters (JSON object).") var parameters: String?
        @Option(help: "URL to POST the process to when it completes.") var callbackUrl = ""
        @Option(help: "Which instance, when several are enabled.") var communityPlatformId = ""

        func run() async throws {
            guard let dot = process.firstIndex(of: ".") else { throw ValidationError("PROCESS must be PLUGIN.PROCESS") }
            let parameters = try structArgument(parameters, option: "parameters")
            try await client.withClient {
                emit(try await $0.processes.startProcess(
                    .init(
                        community: community, plugin: String(process[..<dot]),
                        process: String(process[process.index(after: dot)...]), parameters: parameters,
                        callbackUrl: callbackUrl, communityPlatformId: communityPlatformId)))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a process.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Process id.") var id: Int64

        func run() async throws {
            try await client.withClient { emit(try await $0.processes.getProcess(.init(id: id))) }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a process now.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Process id.") var id: Int64

        func run() async throws {
            try await client.withClient { emit(try await $0.processes.closeProcess(.init(id: id))) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List processes, one page at a time.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community = ""
        @Option(help: "Plugin type name.") var plugin = ""
        @Option(help: "Process type name.") var process = ""
        @Option(help: "created, pending or completed.") var status: String?
        @Option(help: "Processes per page (0 = default).") var pageSize: Int32 = 0
        @Option(help: "Token from a previous page's next_page_token.") var pageToken = ""

        func run() async throws {
            var filter = Metagov_V1_ListProcessesRequest(
                community: community, plugin: plugin, process: process, pageSize: pageSize, pageToken: pageToken)
            if let status {
                filter.status = try statusArgument(
                    status, prefix: "PROCESS_STATUS_", parse: Metagov_V1_ProcessStatus.init(name:),
                    choices: "created, pending or completed")
            }
            try await client.withClient { emit(try await $0.processes.listProcesses(filter)) }
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the process, then every change, until it completes.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Process id.") var id: Int64

        func run() async throws {
            try await client.withClient {
                for try await process in $0.processes.watchProcess(.init(id: id)) { emit(process) }
            }
        }
    }
}
