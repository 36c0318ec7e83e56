import Foundation

/// An event a plugin emitted for drivers, as stored in the durable event log.
public struct Event: Sendable, Hashable {
    /// Position in the log: strictly increasing, never reused.
    public var cursor: Int64
    /// Slug of the community the event belongs to.
    public var community: String
    /// Name of the plugin type that emitted it.
    public var source: String
    /// Identifier of the emitting plugin instance.
    public var pluginID: Int64
    public var eventType: String
    public var timestamp: Date
    public var data: JSONValue
    /// Who caused the event on the platform (e.g. `{"user_id": "...", "provider": "slack"}`).
    public var initiator: JSONValue

    public init(
        cursor: Int64, community: String, source: String, pluginID: Int64, eventType: String, timestamp: Date,
        data: JSONValue, initiator: JSONValue
    ) {
        self.cursor = cursor
        self.community = community
        self.source = source
        self.pluginID = pluginID
        self.eventType = eventType
        self.timestamp = timestamp
        self.data = data
        self.initiator = initiator
    }
}

/// An event not yet appended to the log.
public struct NewEvent: Sendable, Hashable {
    public var community: String
    public var source: String
    public var pluginID: Int64
    public var eventType: String
    public var data: JSONValue
    public var initiator: JSONValue
    /// When it happened; nil: when it is appended.
    public var timestamp: Date?

    public init(
        community: String, source: String, pluginID: Int64, eventType: String, data: JSONValue, initiator: JSONValue,
        timestamp: Date? = nil
    ) {
        self.timestamp = timestamp
        self.community = community
        self.source = source
        self.pluginID = pluginID
        self.eventType = eventType
        self.data = data
        self.initiator = initiator
    }
}
