import ArgumentParser
import MetagovCore

package struct CommunityCommand: ParsableCommand {
    package init() {}
    package static let configuration = CommandConfiguration(
        commandName: "community", abstract: "Create, show, list, rename and delete communities.",
        subcommands: [Create.self, Show.self, List.self, Update.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a community (slug generated when omitted).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Unique slug: letters, digits, '-' and '_'.") var slug: String?
        @Option(help: "Readable name.") var name: String

        func run() async throws {
            Output.print(try await global.openCore().communities.create(slug: slug, readableName: name))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a community with its plugin instances.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Community slug.") var slug: String

        func run() async throws {
            let core = try global.openCore()
            guard case .object(var json) = try await core.communities.get(slug).json else { return }
            json["plugins"] = .array(try await core.plugins.list(community: slug).map(\.json))
            Output.print(.object(json))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List communities by slug, one page at a time.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Communities per page (0 = default).") var pageSize = 0
        @Option(help: "Token from a previous page's next_page_token.") var pageToken: String?

        func run() async throws {
            let page = try await global.openCore().communities.list(pageSize: pageSize, pageToken: pageToken)
            Output.print(["communities": .array(page.items.map(\.json)),
                          "next_page_token": page.nextPageToken.map(JSONValue.string) ?? .null])
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a community's readable name.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Community slug.") var slug: String
        @Option(help: "New readable name.") var name: String

        func run() async throws {
            Output.print(try await global.openCore().communities.update(slug, readableName: name))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a community with its plugins, processes, identities and events.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Community slug.") var slug: String

        func run() async throws {
            Output.print(try await global.openCore().communities.delete(slug))
        }
    }
}
