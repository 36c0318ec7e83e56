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
    /// What happened, as the plugin emitted it.
    public var data: JSONValue {
        get { dataDocument.value }
        set { dataDocument = .value(newValue) }
    }
    /// Who caused the event on the platform (e.g. `{"user_id": "...", "provider": "slack"}`).
    public var initiator: JSONValue {
        get { initiatorDocument.value }
        set { initiatorDocument = .value(newValue) }
    }

    /// `data` and `initiator` as JSON texts (UTF-8), when the event was read from a store that keeps them as text
    /// and neither was set since: a subscriber's stream writes them to the wire without parsing them.
    public var storedJSON: (data: [UInt8], initiator: [UInt8])? {
        guard case .text(let data) = dataDocument, case .text(let initiator) = initiatorDocument else { return nil }
        return (data, initiator)
    }

    private var dataDocument: JSONDocument
    private var initiatorDocument: JSONDocument

    public init(
        cursor: Int64, community: String, source: String, pluginID: Int64, eventType: String, timestamp: Date,
        data: JSONValue, initiator: JSONValue
    ) {
        self.init(cursor, community, source, pluginID, eventType, timestamp, .value(data), .value(initiator))
    }

    /// An event read from a store, `data` and `initiator` as their JSON texts, which the store has validated
    /// (`JSONValue.validate(_:)`): they are parsed only when read.
    public init(
        cursor: Int64, community: String, source: String, pluginID: Int64, eventType: String, timestamp: Date,
        storedData: [UInt8], storedInitiator: [UInt8]
    ) {
        self.init(cursor, community, source, pluginID, eventType, timestamp, .text(storedData), .text(storedInitiator))
    }

    private init(
        _ cursor: Int64, _ community: String, _ source: String, _ pluginID: Int64, _ eventType: String,
        _ timestamp: Date, _ data: JSONDocument, _ initiator: JSONDocument
    ) {
        self.cursor = cursor
        self.community = community
        self.source = source
        self.pluginID = pluginID
        self.eventType = eventType
        self.timestamp = timestamp
        self.dataDocument = data
        self.initiatorDocument = initiator
    }

    /// Events are equal when their fields are, whether their JSON is held as text or as values.
    public static func == (lhs: Event, rhs: Event) -> Bool {
        lhs.cursor == rhs.cursor && lhs.community == rhs.community && lhs.source == rhs.source
            && lhs.pluginID == rhs.pluginID && lhs.eventType == rhs.eventType && lhs.timestamp == rhs.timestamp
            && lhs.data == rhs.data && lhs.initiator == rhs.initiator
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(cursor)
        hasher.combine(community)
        hasher.combine(eventType)
        hasher.combine(data)
    }

    /// Roughly how many bytes the JSON documents take.
    var estimatedJSONSize: Int { dataDocument.estimatedSize + initiatorDocument.estimatedSize }
}

/// A JSON document held as a value, or as the validated text it was stored as (parsed when read).
private enum JSONDocument: Sendable {
    case value(JSONValue)
    case text([UInt8])

    var value: JSONValue {
        switch self {
        case .value(let value): value
        // Validated when read from the store, so only memory corruption could make it fail.
        case .text(let text): (try? JSONValue(parsing: text)) ?? .null
        }
    }

    var estimatedSize: Int {
        switch self {
        case .value(let value): value.estimatedSize
        case .text(let text): 16 + text.count
        }
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
