import Foundation

/// Filter for listing governance processes; `nil` fields match everything.
public struct ProcessFilter: Sendable, Hashable {
    public var community: String?
    public var plugin: String?
    public var pluginID: Int64?
    public var name: String?
    public var status: ProcessStatus?

    public init(
        community: String? = nil, plugin: String? = nil, pluginID: Int64? = nil, name: String? = nil,
        status: ProcessStatus? = nil
    ) {
        self.community = community
        self.plugin = plugin
        self.pluginID = pluginID
        self.name = name
        self.status = status
    }
}

/// Filter for reading the event log; `nil` or empty fields match everything.
public struct EventFilter: Sendable, Hashable {
    public var community: String?
    /// Names of source plugin types to include.
    public var sources: Set<String>
    public var eventTypes: Set<String>

    public init(community: String? = nil, sources: Set<String> = [], eventTypes: Set<String> = []) {
        self.community = community
        self.sources = sources
        self.eventTypes = eventTypes
    }

    /// Whether `event` passes this filter.
    public func matches(_ event: Event) -> Bool {
        (community == nil || community == event.community)
            && (sources.isEmpty || sources.contains(event.source))
            && (eventTypes.isEmpty || eventTypes.contains(event.eventType))
    }
}

/// Filter for looking up linked accounts; `nil` fields match everything. A `communityPlatformID` of `""`
/// matches only accounts that have no community platform id.
public struct AccountFilter: Sendable, Hashable {
    public var community: String
    public var platformType: String?
    public var platformIdentifier: String?
    public var communityPlatformID: String?

    public init(
        community: String, platformType: String? = nil, platformIdentifier: String? = nil,
        communityPlatformID: String? = nil
    ) {
        self.community = community
        self.platformType = platformType
        self.platformIdentifier = platformIdentifier
        self.communityPlatformID = communityPlatformID
    }
}
