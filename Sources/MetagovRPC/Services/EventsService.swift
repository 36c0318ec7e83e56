import CoreMetrics
import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

/// `metagov.v1.Events` on the core.
struct EventsService: Metagov_V1_EventsService {
    let core: Metagov
    let access: CallGuard

    func subscribe(
        _ request: Metagov_V1_SubscribeRequest, responses: ProtoStreamWriter<Metagov_V1_Event>, context: ServerCallContext
    ) async throws {
        guard request.afterCursor <= UInt64(Int64.max) else {
            throw GRPCStatus(.invalidArgument, "after_cursor \(request.afterCursor) is out of range")
        }
        let caller = try await self.access.caller(context)
        let community = request.community.nonEmpty ?? self.access.scopedCommunity(caller)
        try await self.access.authorize(context, "event.subscribe", community: community)
        try await rpc {
            if let community { _ = try await self.core.communities.get(community) }
            // A quiet stream may send nothing for a long time: tell the client now that it is subscribed.
            context.sendResponseHeaders()
            let subscribers = Meter(label: "metagov_event_subscribers")
            subscribers.increment()
            defer { subscribers.decrement() }
            let filter = EventFilter(
                community: community, sources: Set(request.plugins), eventTypes: Set(request.eventTypes))
            for try await event in self.core.subscribe(filter, afterCursor: Int64(request.afterCursor)) {
                try await responses.write(encoded: Metagov_V1_Event.encoding(of: event))
            }
        }
    }
}

// MARK: Webhook subscriptions and the outbox

extension EventsService {
    /// Authorises `action` on webhook `id` (a community token sees only its community's webhooks).
    private func authorizedWebhook(_ context: ServerCallContext, _ action: String, _ id: Int64) async throws
        -> WebhookSubscription
    {
        let caller = try await self.access.caller(context)
        if caller.isAnonymous { try await self.access.authorize(context, action, community: nil) }
        let subscription = try await rpc { try await self.core.outbox.subscription(id) }
        try await self.access.authorize(context, action, community: subscription.community)
        return subscription
    }

    func createWebhook(_ request: Metagov_V1_CreateWebhookRequest, context: ServerCallContext) async throws
        -> Metagov_V1_Webhook
    {
        try await self.access.authorize(context, "webhook.create", community: request.community)
        return try await rpc {
            Metagov_V1_Webhook(
                try await self.core.outbox.subscribe(
                    community: request.community, url: request.url, eventTypes: request.eventTypes,
                    plugins: request.plugins, secret: request.secret))
        }
    }

    func listWebhooks(_ request: Metagov_V1_ListWebhooksRequest, context: ServerCallContext) async throws
        -> Metagov_V1_ListWebhooksResponse
    {
        let caller = try await self.access.caller(context)
        let community = request.community.nonEmpty ?? self.access.scopedCommunity(caller)
        try await self.access.authorize(context, "webhook.list", community: community)
        return try await rpc {
            Metagov_V1_ListWebhooksResponse(
                webhooks: try await self.core.outbox.subscriptions(community: community).map(Metagov_V1_Webhook.init))
        }
    }

    func updateWebhook(_ request: Metagov_V1_UpdateWebhookRequest, context: ServerCallContext) async throws
        -> Metagov_V1_Webhook
    {
        let known: Set<String> = ["url", "event_types", "plugins", "secret"]
        if let unknown = request.updateFields.first(where: { !known.contains($0) }) {
            throw GRPCStatus(.invalidArgument, "update_fields: unknown field '\(unknown)' (use url, event_types, plugins, secret)")
        }
        _ = try await self.authorizedWebhook(context, "webhook.update", request.id)
        let fields = Set(request.updateFields)
        func wanted(_ name: String, _ given: Bool) -> Bool { fields.isEmpty ? given : fields.contains(name) }
        return try await rpc {
            Metagov_V1_Webhook(
                try await self.core.outbox.update(
                    request.id, url: wanted("url", !request.url.isEmpty) ? request.url : nil,
                    eventTypes: wanted("event_types", !request.eventTypes.isEmpty) ? request.eventTypes : nil,
                    plugins: wanted("plugins", !request.plugins.isEmpty) ? request.plugins : nil,
                    secret: wanted("secret", !request.secret.isEmpty) ? request.secret : nil))
        }
    }

    func deleteWebhook(_ request: Metagov_V1_DeleteWebhookRequest, context: ServerCallContext) async throws
        -> Metagov_V1_DeleteWebhookResponse
    {
        _ = try await self.authorizedWebhook(context, "webhook.delete", request.id)
        return try await rpc {
            Metagov_V1_DeleteWebhookResponse(webhook: Metagov_V1_Webhook(try await self.core.outbox.unsubscribe(request.id)))
        }
    }

    func listDeliveries(_ request: Metagov_V1_ListDeliveriesRequest, context: ServerCallContext) async throws
        -> Metagov_V1_ListDeliveriesResponse
    {
        let size = try pageSize(request.pageSize)
        let status = request.status.domain
        if status == nil && request.status != .unspecified {
            throw GRPCStatus(.invalidArgument, "status: unknown DeliveryStatus value \(request.status.rawValue)")
        }
        var community = request.community.nonEmpty
        if request.webhookId != 0 {
            community = try await self.authorizedWebhook(context, "delivery.list", request.webhookId).community
        } else {
            let caller = try await self.access.caller(context)
            community = community ?? self.access.scopedCommunity(caller)
            try await self.access.authorize(context, "delivery.list", community: community)
        }
        return try await rpc {
            let page = try await self.core.outbox.deliveries(
                webhookID: request.webhookId == 0 ? nil : request.webhookId, community: community, status: status,
                pageSize: size, pageToken: request.pageToken.nonEmpty)
            return Metagov_V1_ListDeliveriesResponse(
                deliveries: page.items.map(Metagov_V1_Delivery.init), nextPageToken: page.nextPageToken ?? "")
        }
    }

    func redeliverDelivery(_ request: Metagov_V1_RedeliverDeliveryRequest, context: ServerCallContext) async throws
        -> Metagov_V1_Delivery
    {
        let caller = try await self.access.caller(context)
        if caller.isAnonymous { try await self.access.authorize(context, "delivery.redeliver", community: nil) }
        let delivery = try await rpc { try await self.core.outbox.delivery(request.id) }
        try await self.access.authorize(context, "delivery.redeliver", community: delivery.community)
        return try await rpc { Metagov_V1_Delivery(try await self.core.outbox.redeliver(request.id)) }
    }
}
