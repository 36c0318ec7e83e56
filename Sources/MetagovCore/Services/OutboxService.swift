import Foundation

/// Webhook subscriptions and the durable outbox of outbound deliveries (event webhooks and process
/// callbacks). Deliveries are added in the same transaction as the events or process changes they carry, so
/// none is lost; a delivery worker (outside the core) sends them with retries.
public struct OutboxService: Sendable {
    let core: Metagov

    // MARK: Subscriptions

    /// Subscribes `url` to `community`'s events (optionally only some types and plugins).
    public func subscribe(
        community: String, url: String, eventTypes: [String] = [], plugins: [String] = [], secret: String = ""
    ) async throws -> WebhookSubscription {
        try Self.checkURL(url, field: "url")
        _ = try await core.communities.get(community)
        return try await core.write {
            try $0.insertWebhookSubscription(
                community: community, url: url, eventTypes: eventTypes, plugins: plugins, secret: secret)
        }
    }

    /// The subscription `id`, or NOT_FOUND.
    public func subscription(_ id: Int64) async throws -> WebhookSubscription {
        guard let found = try await core.read({ try $0.webhookSubscription(id: id) }) else { throw MetagovError.notFound("webhook \(id)") }
        return found
    }

    /// The subscriptions of `community` (nil: every community).
    public func subscriptions(community: String?) async throws -> [WebhookSubscription] {
        if let community { _ = try await core.communities.get(community) }
        return try await core.read { try $0.webhookSubscriptions(community: community) }
    }

    /// Changes the given fields of subscription `id`.
    public func update(
        _ id: Int64, url: String? = nil, eventTypes: [String]? = nil, plugins: [String]? = nil, secret: String? = nil
    ) async throws -> WebhookSubscription {
        var subscription = try await self.subscription(id)
        if let url {
            try Self.checkURL(url, field: "url")
            subscription.url = url
        }
        if let eventTypes { subscription.eventTypes = eventTypes }
        if let plugins { subscription.plugins = plugins }
        if let secret { subscription.secret = secret }
        let updated = subscription
        return try await core.write { try $0.updateWebhookSubscription(updated) }
    }

    /// Deletes subscription `id` with its deliveries.
    @discardableResult
    public func unsubscribe(_ id: Int64) async throws -> WebhookSubscription {
        let subscription = try await self.subscription(id)
        _ = try await core.write { try $0.deleteWebhookSubscription(id: id) }
        return subscription
    }

    // MARK: Deliveries

    /// Deliveries by id, filtered, one page at a time.
    public func deliveries(
        webhookID: Int64? = nil, community: String? = nil, status: DeliveryStatus? = nil, pageSize: Int = 0,
        pageToken: String? = nil
    ) async throws -> Page<OutboundDelivery> {
        let size = try Paging.pageSize(pageSize)
        let after = try Paging.intKey(from: pageToken)
        let items = try await core.read {
            try $0.deliveries(webhookID: webhookID, community: community, status: status, afterID: after, limit: size + 1)
        }
        let page = Array(items.prefix(size))
        return Page(items: page, nextPageToken: items.count > size ? page.last.map { Paging.token(after: String($0.id)) } : nil)
    }

    /// The delivery `id`, or NOT_FOUND.
    public func delivery(_ id: Int64) async throws -> OutboundDelivery {
        guard let found = try await core.read({ try $0.delivery(id: id) }) else { throw MetagovError.notFound("delivery \(id)") }
        return found
    }

    /// Sends delivery `id` again (pending now, attempts reset), whatever its status.
    public func redeliver(_ id: Int64) async throws -> OutboundDelivery {
        guard let delivery = try await core.write({ try $0.redeliver(id: id) }) else { throw MetagovError.notFound("delivery \(id)") }
        return delivery
    }

    /// Claims up to `limit` pending deliveries due now for this sender, for the lease time
    /// (`metagov.delivery.lease_seconds`): no other sender (another gateway on the same database) attempts them
    /// meanwhile, and if this one dies they are due again when the lease ends. ``record(_:delivered:error:statusCode:)``
    /// ends the lease.
    public func claimDue(limit: Int) async throws -> [OutboundDelivery] {
        let now = core.now()
        let leaseUntil = now.addingTimeInterval(DeliverySettings(core.config).lease)
        return try await core.write { try $0.claimDueDeliveries(now: now, limit: limit, leaseUntil: leaseUntil) }
    }

    /// How many deliveries are pending (due now or waiting for a retry).
    public func pendingCount() async throws -> Int {
        try await core.read { try $0.pendingDeliveryCount() }
    }

    /// Records the outcome of an attempt: delivered, or retried after an exponential backoff with jitter, or
    /// failed for good after `metagov.delivery.max_attempts` attempts.
    public func record(_ delivery: OutboundDelivery, delivered: Bool, error: String?, statusCode: Int?) async throws {
        let attempts = delivery.attempts + 1
        let settings = DeliverySettings(core.config)
        let status: DeliveryStatus = delivered ? .delivered : (attempts >= settings.maxAttempts ? .failed : .pending)
        let delay = settings.backoff(afterAttempt: attempts)
        let id = delivery.id
        let nextAttemptAt = core.now().addingTimeInterval(delay)
        try await core.write {
            try $0.recordDeliveryAttempt(
                id: id, status: status, attempts: attempts, nextAttemptAt: nextAttemptAt, error: error,
                statusCode: statusCode)
        }
    }

    /// The signing secret of a delivery ("" for callbacks and unsigned subscriptions).
    public func secret(of delivery: OutboundDelivery) async throws -> String {
        guard let id = delivery.webhookID else { return "" }
        return try await core.read { try $0.webhookSubscription(id: id)?.secret } ?? ""
    }

    static func checkURL(_ text: String, field: String) throws {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else { throw MetagovError.invalidArgument("\(field) must be an absolute http(s) URL, got '\(text)'") }
    }
}

/// The outbox settings from the configuration.
public struct DeliverySettings: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    public var timeout: Double
    /// Seconds a claimed delivery belongs to its sender: at least twice the timeout, so that an attempt still
    /// in flight is never claimed again by another sender.
    public var lease: Double

    public init(_ config: MetagovConfig) {
        maxAttempts = max(1, config.int(CoreConfig.deliveryMaxAttempts) ?? 10)
        baseDelay = max(0.01, config.double(CoreConfig.deliveryBaseDelay) ?? 1)
        maxDelay = max(baseDelay, config.double(CoreConfig.deliveryMaxDelay) ?? 3600)
        timeout = max(0.1, config.double(CoreConfig.deliveryTimeout) ?? 10)
        lease = max(2 * timeout, config.double(CoreConfig.deliveryLease) ?? 60)
    }

    /// Seconds to wait after the `attempt`-th failure: base × 2^(attempt−1), capped, with "equal jitter"
    /// (a random half of it) so that receivers coming back are not hit by every sender at once.
    public func backoff(afterAttempt attempt: Int) -> Double {
        let exponential = min(maxDelay, baseDelay * pow(2, Double(min(attempt - 1, 40))))
        return exponential / 2 + Double.random(in: 0...(exponential / 2))
    }
}
