import ArgumentParser
import MetagovProto
import MetagovProtoGRPC

struct CommunityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "community", abstract: "Create, show, list, rename and delete communities.",
        subcommands: [Create.self, Show.self, List.self, Update.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a community (slug generated when omitted).")
        @OptionGroup var client: ClientOptions
        @Option(help: "Unique slug.") var slug = ""
        @Option(help: "Readable name.") var name: String

        func run() async throws {
            try await client.withClient { emit(try await $0.communities.createCommunity(.init(slug: slug, readableName: name))) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a community with its plugin instances.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Community slug.") var slug: String

        func run() async throws {
            try await client.withClient { emit(try await $0.communities.getCommunity(.init(slug: slug))) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List communities, one page at a time.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Communities per page (0 = default).") var pageSize: Int32 = 0
        @Option(help: "Token from a previous page's next_page_token.") var pageToken = ""

        func run() async throws {
            try await client.withClient {
                emit(try await $0.communities.listCommunities(.init(pageSize: pageSize, pageToken: pageToken)))
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a community.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Community slug.") var slug: String
        @Option(help: "New readable name.") var name: String

        func run() async throws {
            try await client.withClient {
                emit(try await $0.communities.updateCommunity(.init(slug: slug, readableName: name)))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a community and everything it owns.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Community slug.") var slug: String

        func run() async throws {
            try await client.withClient { emit(try await $0.communities.deleteCommunity(.init(slug: slug))) }
        }
    }
}
