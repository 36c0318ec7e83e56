import Foundation
import GRDB
import MetagovCore

/// Reading and writing `webhook_subscription`.
enum WebhookSubscriptionRow {
    static let columns = "id, community, url, event_types, plugins, secret, created_at, updated_at"

    static func decode(_ row: StoredRow) throws -> WebhookSubscription {
        WebhookSubscription(
            id: try row.decode(atIndex: 0), community: try row.decode(atIndex: 1), url: try row.decode(atIndex: 2),
            eventTypes: try strings(row, 3, "webhook_subscription.event_types"),
            plugins: try strings(row, 4, "webhook_subscription.plugins"), secret: try row.decode(atIndex: 5),
            createdAt: try StoredTime.date(row, 6), updatedAt: try StoredTime.date(row, 7))
    }

    static func strings(_ row: StoredRow, _ index: Int, _ column: String) throws -> [String] {
        try (StoredJSON.value(row, index, column: column).arrayValue ?? []).compactMap(\.stringValue)
    }

    static func text(_ strings: [String]) -> String { StoredJSON.text(.array(strings.map(JSONValue.string))) }
}

/// Reading and writing the `delivery` outbox.
enum DeliveryRow {
    static let columns = """
        id, kind, webhook_id, process_id, community, event_id, url, body, status, attempts, next_attempt_at, \
        last_error, last_status_code, created_at, delivered_at
        """

    static func decode(_ row: StoredRow) throws -> OutboundDelivery {
        OutboundDelivery(
            id: try row.decode(atIndex: 0), kind: try StoredEnum.decode(DeliveryKind.self, row, 1, column: "delivery.kind"),
            webhookID: try row.decode(atIndex: 2), processID: try row.decode(atIndex: 3),
            community: try row.decode(atIndex: 4), eventID: try row.decode(atIndex: 5), url: try row.decode(atIndex: 6),
            body: try row.decode(atIndex: 7), status: try StoredEnum.decode(DeliveryStatus.self, row, 8, column: "delivery.status"),
            attempts: try row.decode(atIndex: 9), nextAttemptAt: try StoredTime.date(row, 10),
            lastError: try row.decode(atIndex: 11), lastStatusCode: try row.decode(atIndex: 12),
            createdAt: try StoredTime.date(row, 13), deliveredAt: try row.decode(Double?.self, atIndex: 14).map(StoredTime.date))
    }
}

extension SQLiteReading {
    func webhookSubscription(id: Int64) throws -> WebhookSubscription? {
        try fetchOne(
            "SELECT \(WebhookSubscriptionRow.columns) FROM webhook_subscription WHERE id = ?", [id],
            WebhookSubscriptionRow.decode)
    }

    func webhookSubscriptions(community: String?) throws -> [WebhookSubscription] {
        try storedWebhookSubscriptions(community: community)
    }

    /// The subscriptions of `community` (nil: of all) in the database, in id order.
    func storedWebhookSubscriptions(community: String?) throws -> [WebhookSubscription] {
        var conditions = Conditions()
        conditions.add("community = ?", ifPresent: community)
        return try fetchAll(
            "SELECT \(WebhookSubscriptionRow.columns) FROM webhook_subscription WHERE \(conditions.sql) ORDER BY id",
            conditions.arguments, WebhookSubscriptionRow.decode)
    }

    func delivery(id: Int64) throws -> OutboundDelivery? {
        try fetchOne("SELECT \(DeliveryRow.columns) FROM delivery WHERE id = ?", [id], DeliveryRow.decode)
    }

    func deliveries(webhookID: Int64?, community: String?, status: DeliveryStatus?, afterID: Int64?, limit: Int) throws
        -> [OutboundDelivery]
    {
        var conditions = Conditions()
        conditions.add("webhook_id = ?", ifPresent: webhookID)
        conditions.add("community = ?", ifPresent: community)
        conditions.add("status = ?", ifPresent: status?.rawValue)
        conditions.add("id > ?", ifPresent: afterID)
        return try fetchAll(
            "SELECT \(DeliveryRow.columns) FROM delivery WHERE \(conditions.sql) ORDER BY id LIMIT ?",
            conditions.arguments + [sqlLimit(limit)], DeliveryRow.decode)
    }

    func pendingDeliveryCount() throws -> Int {
        try fetchOne("SELECT count(*) FROM delivery WHERE status = 'pending'") { try $0.decode(Int.self, atIndex: 0) } ?? 0
    }
}

extension SQLiteWriter {
    func insertWebhookSubscription(
        community: String, url: String, eventTypes: [String], plugins: [String], secret: String
    ) throws -> WebhookSubscription {
        batch.forget()
        let now = StoredTime.now()
        try translatingConstraints(notFound: { CommunityRow.describe(community) }) {
            try execute(
                """
                INSERT INTO webhook_subscription (community, url, event_types, plugins, secret, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [community, url, WebhookSubscriptionRow.text(eventTypes), WebhookSubscriptionRow.text(plugins), secret, now, now])
        }
        return WebhookSubscription(
            id: db.lastInsertedRowID, community: community, url: url, eventTypes: eventTypes, plugins: plugins,
            secret: secret, createdAt: StoredTime.date(now), updatedAt: StoredTime.date(now))
    }

    func updateWebhookSubscription(_ subscription: WebhookSubscription) throws -> WebhookSubscription {
        batch.forget()
        let now = StoredTime.now()
        let changed = try executeCountingChanges(
            "UPDATE webhook_subscription SET url = ?, event_types = ?, plugins = ?, secret = ?, updated_at = ? WHERE id = ?",
            [subscription.url, WebhookSubscriptionRow.text(subscription.eventTypes),
             WebhookSubscriptionRow.text(subscription.plugins), subscription.secret, now, subscription.id])
        guard changed > 0 else { throw StoreError.notFound("webhook \(subscription.id)") }
        var updated = subscription
        updated.updatedAt = StoredTime.date(now)
        return updated
    }

    func deleteWebhookSubscription(id: Int64) throws -> Bool {
        batch.forget()
        return try executeCountingChanges("DELETE FROM webhook_subscription WHERE id = ?", [id]) > 0
    }

    func enqueueDeliveries(_ deliveries: [NewDelivery]) throws {
        let now = StoredTime.now()
        for delivery in deliveries {
            try execute(
                """
                INSERT INTO delivery (kind, webhook_id, process_id, community, event_id, url, body, status, attempts,
                                      next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
                """,
                [delivery.kind.rawValue, delivery.webhookID, delivery.processID, delivery.community, delivery.eventID,
                 delivery.url, delivery.body, now, now])
        }
    }

    /// One statement: the one writer never competes with itself, so there is nothing to skip.
    func claimDueDeliveries(now: Date, limit: Int, leaseUntil: Date) throws -> [OutboundDelivery] {
        try fetchAll(
            """
            UPDATE delivery SET next_attempt_at = ?
            WHERE id IN (SELECT id FROM delivery WHERE status = 'pending' AND next_attempt_at <= ?
                         ORDER BY next_attempt_at, id LIMIT ?)
            RETURNING \(DeliveryRow.columns)
            """, [leaseUntil.timeIntervalSince1970, now.timeIntervalSince1970, sqlLimit(limit)], DeliveryRow.decode)
        .sorted { $0.id < $1.id }
    }

    func recordDeliveryAttempt(
        id: Int64, status: DeliveryStatus, attempts: Int, nextAttemptAt: Date, error: String?, statusCode: Int?
    ) throws {
        try execute(
            """
            UPDATE delivery SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, last_status_code = ?,
                                delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
            WHERE id = ?
            """,
            [status.rawValue, attempts, nextAttemptAt.timeIntervalSince1970, error, statusCode, status.rawValue,
             StoredTime.now(), id])
    }

    func redeliver(id: Int64) throws -> OutboundDelivery? {
        try execute(
            """
            UPDATE delivery SET status = 'pending', attempts = 0, next_attempt_at = ?, delivered_at = NULL
            WHERE id = ?
            """, [StoredTime.now(), id])
        return try delivery(id: id)
    }
}
