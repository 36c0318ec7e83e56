import ArgumentParser
import MetagovProto
import MetagovProtoGRPC

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "The event log.", subcommands: [Subscribe.self])

    struct Subscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print stored events after a cursor, then live ones, one JSON event per line (until interrupted).")
        @OptionGroup var client: ClientOptions
        @Option(help: "Only this community's events.") var community = ""
        @Option(help: "Only events of this plugin (repeatable).") var plugin: [String] = []
        @Option(help: "Only events of this type (repeatable).") var eventType: [String] = []
        @Option(help: "Start after this cursor (0: from the beginning).") var after: UInt64 = 0

        func run() async throws {
            let request = Metagov_V1_SubscribeRequest(
                community: community, plugins: plugin, eventTypes: eventType, afterCursor: after)
            try await client.withClient {
                for try await event in $0.events.subscribe(request) { emit(event) }
            }
        }
    }
}
