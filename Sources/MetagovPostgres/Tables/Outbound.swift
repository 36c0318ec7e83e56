import Foundation
import MetagovCore
import PostgresNIO

/// Reading and writing `webhook_subscription`.
enum WebhookSubscriptionRow {
    static let columns = "id, community, url, event_types, plugins, secret, created_at, updated_at"

    static func decode(_ row: PostgresRandomAccessRow) throws -> WebhookSubscription {
        WebhookSubscription(
            id: try row.value(0), community: try row.value(1), url: try row.value(2), eventTypes: try strings(row, 3),
            plugins: try strings(row, 4), secret: try row.value(5), createdAt: try row.date(6), updatedAt: try row.date(7))
    }

    static func strings(_ row: PostgresRandomAccessRow, _ index: Int) throws -> [String] {
        (try row.json(index).arrayValue ?? []).compactMap(\.stringValue)
    }

    static func text(_ strings: [String]) -> String { StoredJSON.text(.array(strings.map(JSONValue.string))) }
}

/// Reading and writing the `delivery` outbox.
enum DeliveryRow {
    static let columns = """
        id, kind, webhook_id, process_id, community, event_id, url, body, status, attempts, next_attempt_at, \
        last_error, last_status_code, created_at, delivered_at
        """

    static func decode(_ row: PostgresRandomAccessRow) throws -> OutboundDelivery {
        OutboundDelivery(
            id: try row.value(0), kind: try row.rawValue(1, as: DeliveryKind.self), webhookID: try row.value(2),
            processID: try row.value(3), community: try row.value(4), eventID: try row.value(5), url: try row.value(6),
            body: try row.value(7), status: try row.rawValue(8, as: DeliveryStatus.self),
            attempts: Int(try row.value(9, as: Int64.self)), nextAttemptAt: try row.date(10), lastError: try row.value(11),
            lastStatusCode: try row.value(12, as: Int64?.self).map { Int($0) }, createdAt: try row.date(13),
            deliveredAt: try row.optionalDate(14))
    }
}

extension PostgresReading {
    func webhookSubscription(id: Int64) throws -> WebhookSubscription? {
        try fetchOne(
            "SELECT \(WebhookSubscriptionRow.columns) FROM webhook_subscription WHERE id = $1", binds(id),
            WebhookSubscriptionRow.decode)
    }

    func webhookSubscriptions(community: String?) throws -> [WebhookSubscription] {
        var conditions = Conditions()
        conditions.add("community = ?", ifPresent: community)
        return try fetchAll(
            "SELECT \(WebhookSubscriptionRow.columns) FROM webhook_subscription WHERE \(conditions.sql) ORDER BY id",
            conditions.binds, WebhookSubscriptionRow.decode)
    }

    func delivery(id: Int64) throws -> OutboundDelivery? {
        try fetchOne("SELECT \(DeliveryRow.columns) FROM delivery WHERE id = $1", binds(id), DeliveryRow.decode)
    }

    func deliveries(webhookID: Int64?, community: String?, status: DeliveryStatus?, afterID: Int64?, limit: Int) throws
        -> [OutboundDelivery]
    {
        var conditions = Conditions()
        conditions.add("webhook_id = ?", ifPresent: webhookID)
        conditions.add("community = ?", ifPresent: community)
        conditions.add("status = ?", ifPresent: status?.rawValue)
        conditions.add("id > ?", ifPresent: afterID)
        let limitParameter = conditions.next(sqlLimit(limit))
        return try fetchAll(
            "SELECT \(DeliveryRow.columns) FROM delivery WHERE \(conditions.sql) ORDER BY id LIMIT \(limitParameter)",
            conditions.binds, DeliveryRow.decode)
    }

    func pendingDeliveryCount() throws -> Int {
        Int(try fetchValue("SELECT count(*) FROM delivery WHERE status = 'pending'", as: Int64.self) ?? 0)
    }
}

extension PostgresWriter {
    /// The subscriptions as read once in this batch (every vote or event of a batch asks for them).
    func webhookSubscriptions(community: String?) throws -> [WebhookSubscription] {
        if let known = batch.webhookSubscriptions[community] { return known }
        var conditions = Conditions()
        conditions.add("community = ?", ifPresent: community)
        let subscriptions = try fetchAll(
            "SELECT \(WebhookSubscriptionRow.columns) FROM webhook_subscription WHERE \(conditions.sql) ORDER BY id",
            conditions.binds, WebhookSubscriptionRow.decode)
        batch.webhookSubscriptions[community] = subscriptions
        return subscriptions
    }

    func insertWebhookSubscription(
        community: String, url: String, eventTypes: [String], plugins: [String], secret: String
    ) throws -> WebhookSubscription {
        let now = StoredTime.now()
        let id: Int64? = try fetchValue(
            """
            INSERT INTO webhook_subscription (community, url, event_types, plugins, secret, created_at, updated_at)
            SELECT slug, $2, $3, $4, $5, $6, $6 FROM community WHERE slug = $1 RETURNING id
            """,
            binds(community, url, WebhookSubscriptionRow.text(eventTypes), WebhookSubscriptionRow.text(plugins), secret, now))
        guard let id else { throw StoreError.notFound(CommunityRow.describe(community)) }
        batch.webhookSubscriptions.removeAll()
        return WebhookSubscription(
            id: id, community: community, url: url, eventTypes: eventTypes, plugins: plugins, secret: secret,
            createdAt: StoredTime.date(now), updatedAt: StoredTime.date(now))
    }

    func updateWebhookSubscription(_ subscription: WebhookSubscription) throws -> WebhookSubscription {
        let now = StoredTime.now()
        let changed = try execute(
            "UPDATE webhook_subscription SET url = $1, event_types = $2, plugins = $3, secret = $4, updated_at = $5 WHERE id = $6",
            binds(subscription.url, WebhookSubscriptionRow.text(subscription.eventTypes),
                  WebhookSubscriptionRow.text(subscription.plugins), subscription.secret, now, subscription.id))
        guard changed > 0 else { throw StoreError.notFound("webhook \(subscription.id)") }
        batch.webhookSubscriptions.removeAll()
        var updated = subscription
        updated.updatedAt = StoredTime.date(now)
        return updated
    }

    func deleteWebhookSubscription(id: Int64) throws -> Bool {
        batch.webhookSubscriptions.removeAll()
        return try execute("DELETE FROM webhook_subscription WHERE id = $1", binds(id)) > 0
    }

    /// One statement for all of them (absent ids travel as empty strings: arrays hold no NULLs here), sent
    /// without waiting.
    func enqueueDeliveries(_ deliveries: [NewDelivery]) throws {
        guard !deliveries.isEmpty else { return }
        send(
            """
            INSERT INTO delivery (kind, webhook_id, process_id, community, event_id, url, body, status, attempts,
                                  next_attempt_at, created_at)
            SELECT kind, nullif(webhook_id, '')::bigint, nullif(process_id, '')::bigint, community, event_id, url, body,
                   'pending', 0, $8, $8
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                AS d(kind, webhook_id, process_id, community, event_id, url, body)
            """,
            binds(deliveries.map(\.kind.rawValue), deliveries.map { $0.webhookID.map(String.init) ?? "" },
                  deliveries.map { $0.processID.map(String.init) ?? "" }, deliveries.map(\.community),
                  deliveries.map(\.eventID), deliveries.map(\.url), deliveries.map(\.body), StoredTime.now()),
            independentOf: .otherThanProcessRows)
    }

    /// `FOR UPDATE SKIP LOCKED`: deliveries another transaction is claiming are skipped, never waited for or taken
    /// twice; the claim moves their next attempt to the end of the lease.
    func claimDueDeliveries(now: Date, limit: Int, leaseUntil: Date) throws -> [OutboundDelivery] {
        try fetchAll(
            """
            UPDATE delivery SET next_attempt_at = $1
            WHERE id IN (SELECT id FROM delivery WHERE status = 'pending' AND next_attempt_at <= $2
                         ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
            RETURNING \(DeliveryRow.columns)
            """,
            binds(leaseUntil.timeIntervalSince1970, now.timeIntervalSince1970, sqlLimit(limit)), DeliveryRow.decode)
        .sorted { $0.id < $1.id }
    }

    func recordDeliveryAttempt(
        id: Int64, status: DeliveryStatus, attempts: Int, nextAttemptAt: Date, error: String?, statusCode: Int?
    ) throws {
        try execute(
            """
            UPDATE delivery SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, last_status_code = $5,
                                delivered_at = CASE WHEN $1 = 'delivered' THEN $6 ELSE delivered_at END
            WHERE id = $7
            """,
            binds(status.rawValue, Int64(attempts), nextAttemptAt.timeIntervalSince1970, error, statusCode.map(Int64.init),
                  StoredTime.now(), id))
    }

    func redeliver(id: Int64) throws -> OutboundDelivery? {
        try fetchOne(
            """
            UPDATE delivery SET status = 'pending', attempts = 0, next_attempt_at = $1, delivered_at = NULL
            WHERE id = $2 RETURNING \(DeliveryRow.columns)
            """,
            binds(StoredTime.now(), id), DeliveryRow.decode)
    }
}
