import ArgumentParser
import MetagovProto
import MetagovProtoGRPC

/// `metagov webhook ...`: webhook subscriptions and the outbox of their deliveries.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Webhook subscriptions (events POSTed to a URL) and their deliveries.",
        subcommands: [Create.self, List.self, Update.self, Delete.self, Deliveries.self, Redeliver.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Subscribe a URL to a community's events.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Community slug.") var community: String
        @Option(help: "The http(s) URL the events are POSTed to.") var url: String
        @Option(help: "Only events of this type (repeatable; none: every type).") var eventType: [String] = []
        @Option(help: "Only events of this plugin (repeatable; none: every plugin).") var plugin: [String] = []
        @Option(help: "HMAC-SHA256 key for the X-Metagov-Signature header.") var secret = ""

        func run() async throws {
            let request = Metagov_V1_CreateWebhookRequest(
                community: community, url: url, eventTypes: eventType, plugins: plugin, secret: secret)
            try await client.withClient { emit(try await $0.events.createWebhook(request)) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List webhook subscriptions.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Only this community's subscriptions.") var community = ""

        func run() async throws {
            try await client.withClient { emit(try await $0.events.listWebhooks(.init(community: community))) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a subscription; only the fields given change.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Webhook id.") var id: Int64
        @Option(help: "New URL.") var url: String?
        @Option(help: "New event type filter (repeatable).") var eventType: [String] = []
        @Flag(help: "Remove the event type filter (every type).") var everyEventType = false
        @Option(help: "New plugin filter (repeatable).") var plugin: [String] = []
        @Flag(help: "Remove the plugin filter (every plugin).") var everyPlugin = false
        @Option(help: "New secret (\"\" removes signing).") var secret: String?

        func validate() throws {
            if everyEventType && !eventType.isEmpty { throw ValidationError("--event-type and --every-event-type exclude each other") }
            if everyPlugin && !plugin.isEmpty { throw ValidationError("--plugin and --every-plugin exclude each other") }
        }

        func run() async throws {
            var request = Metagov_V1_UpdateWebhookRequest()
            request.id = id
            if let url { request.url = url; request.updateFields.append("url") }
            if everyEventType || !eventType.isEmpty { request.eventTypes = eventType; request.updateFields.append("event_types") }
            if everyPlugin || !plugin.isEmpty { request.plugins = plugin; request.updateFields.append("plugins") }
            if let secret { request.secret = secret; request.updateFields.append("secret") }
            guard !request.updateFields.isEmpty else { throw ValidationError("nothing to change: give --url, --event-type, --plugin or --secret") }
            try await client.withClient { emit(try await $0.events.updateWebhook(request)) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a subscription (its pending deliveries go with it).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Webhook id.") var id: Int64

        func run() async throws {
            try await client.withClient { emit(try await $0.events.deleteWebhook(.init(id: id))) }
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List outbound deliveries (webhooks and process callbacks) by id, one page at a time.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Only deliveries of this webhook.") var webhook: Int64 = 0
        @Option(help: "Only deliveries of this community.") var community = ""
        @Option(help: "pending, delivered or failed.") var status: String?
        @Option(help: "Deliveries per page (0 = default).") var pageSize: Int32 = 0
        @Option(help: "Token from a previous page's next_page_token.") var pageToken = ""

        func run() async throws {
            var request = Metagov_V1_ListDeliveriesRequest()
            request.webhookId = webhook
            request.community = community
            request.pageSize = pageSize
            request.pageToken = pageToken
            if let status {
                request.status = try statusArgument(
                    status, prefix: "DELIVERY_STATUS_", parse: Metagov_V1_DeliveryStatus.init(name:),
                    choices: "pending, delivered or failed")
            }
            try await client.withClient { emit(try await $0.events.listDeliveries(request)) }
        }
    }

    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a delivery again (also a failed one).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Delivery id.") var id: Int64

        func run() async throws {
            try await client.withClient { emit(try await $0.events.redeliverDelivery(.init(id: id))) }
        }
    }
}
