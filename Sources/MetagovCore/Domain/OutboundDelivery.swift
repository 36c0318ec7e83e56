import Foundation

/// Where an outbound delivery stands.
public enum DeliveryStatus: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its (next) attempt.
    case pending
    case delivered
    /// Gave up after the configured number of attempts (can be redelivered).
    case failed
}

/// What an outbound delivery carries.
public enum DeliveryKind: String, Sendable, Hashable {
    /// An event for a webhook subscription.
    case event
    /// A process for its `callback_url` (Metagov's process callbacks).
    case callback
}

/// One HTTP POST in the durable outbox.
public struct OutboundDelivery: Sendable, Hashable {
    public var id: Int64
    public var kind: DeliveryKind
    /// The subscription (event deliveries).
    public var webhookID: Int64?
    /// The process (callback deliveries).
    public var processID: Int64?
    public var community: String
    /// Stable across retries, for the receiver's de-duplication (`X-Metagov-Event-Id`).
    public var eventID: String
    public var url: String
    /// The JSON body.
    public var body: String
    public var status: DeliveryStatus
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var lastStatusCode: Int?
    public var createdAt: Date
    public var deliveredAt: Date?

    public init(
        id: Int64, kind: DeliveryKind, webhookID: Int64?, processID: Int64?, community: String, eventID: String,
        url: String, body: String, status: DeliveryStatus, attempts: Int, nextAttemptAt: Date, lastError: String?,
        lastStatusCode: Int?, createdAt: Date, deliveredAt: Date?
    ) {
        self.id = id
        self.kind = kind
        self.webhookID = webhookID
        self.processID = processID
        self.community = community
        self.eventID = eventID
        self.url = url
        self.body = body
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.lastStatusCode = lastStatusCode
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }
}

/// A delivery to add to the outbox.
public struct NewDelivery: Sendable, Hashable {
    public var kind: DeliveryKind
    public var webhookID: Int64?
    public var processID: Int64?
    public var community: String
    public var eventID: String
    public var url: String
    public var body: String

    public init(kind: DeliveryKind, webhookID: Int64?, processID: Int64?, community: String, eventID: String, url: String, body: String) {
        self.kind = kind
        self.webhookID = webhookID
        self.processID = processID
        self.community = community
        self.eventID = eventID
        self.url = url
        self.body = body
    }
}
