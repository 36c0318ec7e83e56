import Foundation

/// A driver's subscription to a community's events, POSTed to `url` (Metagov's long-requested webhooks).
public struct WebhookSubscription: Sendable, Hashable {
    public var id: Int64
    public var community: String
    public var url: String
    /// Only these event types (empty: all).
    public var eventTypes: [String]
    /// Only events of these plugins (empty: all).
    public var plugins: [String]
    /// Key of the HMAC-SHA256 signature of every body (empty: unsigned).
    public var secret: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, community: String, url: String, eventTypes: [String], plugins: [String], secret: String,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.community = community
        self.url = url
        self.eventTypes = eventTypes
        self.plugins = plugins
        self.secret = secret
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether `event` goes to this subscription.
    public func matches(_ event: Event) -> Bool {
        event.community == community && (eventTypes.isEmpty || eventTypes.contains(event.eventType))
            && (plugins.isEmpty || plugins.contains(event.source))
    }
}
