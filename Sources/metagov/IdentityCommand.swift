import ArgumentParser
import MetagovProto
import MetagovProtoGRPC

struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity", abstract: "Metagov ids and linked platform accounts.",
        subcommands: [CreateID.self, Link.self, Unlink.self, User.self, Users.self, Filter.self, Account.self, Merge.self])

    struct CreateID: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-id", abstract: "Create metagov ids.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "How many.") var count: Int32 = 1

        func run() async throws {
            try await client.withClient { emit(try await $0.identity.createId(.init(community: community, count: count))) }
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Link a platform account to a metagov id.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "Metagov id.") var externalId: Int64
        @Option(help: "Platform, e.g. discord.") var platformType: String
        @Option(help: "Account on the platform.") var platformIdentifier: String
        @Option(help: "Platform community id.") var communityPlatformId = ""
        @Option(help: "oauth, manual_admin, email_matching or unknown.") var linkType = ""
        @Option(help: "unknown, unconfirmed, confirmed_by_user or confirmed_by_governance.") var linkQuality = ""
        @Option(help: "Custom data (JSON object).") var customData: String?

        func run() async throws {
            let account = Metagov_V1_LinkedAccount(
                externalId: externalId, community: community, platformType: platformType,
                platformIdentifier: platformIdentifier, communityPlatformId: communityPlatformId,
                customData: try structArgument(customData, option: "custom-data"), linkType: linkType,
                linkQuality: linkQuality)
            try await client.withClient { emit(try await $0.identity.linkAccount(.init(account: account))) }
        }
    }

    struct Unlink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unlink a platform account.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "Platform.") var platformType: String
        @Option(help: "Account on the platform.") var platformIdentifier: String
        @Option(help: "Platform community id.") var communityPlatformId = ""

        func run() async throws {
            try await client.withClient {
                emit(try await $0.identity.unlinkAccount(
                    .init(
                        community: community, platformType: platformType, platformIdentifier: platformIdentifier,
                        communityPlatformId: communityPlatformId)))
            }
        }
    }

    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user and their linked accounts.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Argument(help: "Metagov id.") var externalId: Int64

        func run() async throws {
            try await client.withClient {
                emit(try await $0.identity.getUser(.init(community: community, externalId: externalId)))
            }
        }
    }

    struct Users: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users of a community.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "Only users with an account on this platform.") var platformType = ""
        @Option(help: "Platform community id.") var communityPlatformId = ""

        func run() async throws {
            try await client.withClient {
                emit(try await $0.identity.getUsers(
                    .init(community: community, platformType: platformType, communityPlatformId: communityPlatformId)))
            }
        }
    }

    struct Filter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Find users by linked account.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "Platform.") var platformType = ""
        @Option(help: "Account on the platform.") var platformIdentifier = ""
        @Option(help: "Platform community id.") var communityPlatformId = ""

        func run() async throws {
            try await client.withClient {
                emit(try await $0.identity.filterUsersByAccount(
                    .init(
                        community: community, platformType: platformType, platformIdentifier: platformIdentifier,
                        communityPlatformId: communityPlatformId)))
            }
        }
    }

    struct Account: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The account of a user on a platform.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "Metagov id.") var externalId: Int64
        @Option(help: "Platform.") var platformType: String
        @Option(help: "Platform community id.") var communityPlatformId = ""

        func run() async throws {
            try await client.withClient {
                emit(try await $0.identity.getLinkedAccount(
                    .init(
                        community: community, externalId: externalId, platformType: platformType,
                        communityPlatformId: communityPlatformId)))
            }
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Merge two metagov ids (the primary stays).")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "Id that stays primary.") var primaryId: Int64
        @Option(help: "Id merged into it.") var secondaryId: Int64

        func run() async throws {
            try await client.withClient {
                emit(try await $0.identity.mergeIds(
                    .init(community: community, primaryId: primaryId, secondaryId: secondaryId)))
            }
        }
    }
}
