/// The configuration a community gives the plugin when enabling it (Metagov's `config_schema`, `auth_type` and
/// `community_platform_id_key`).
public struct Config: PluginTypeComponent {
    /// JSON-Schema of an instance's config; `default`s declared in it are filled in when enabling.
    public var schema: JSONValue
    /// How the plugin authenticates to its platform.
    public var authType: AuthType
    /// The config key whose value becomes the instance's `community_platform_id`.
    public var communityPlatformIDKey: String?

    /// - Parameters:
    ///   - schema: JSON-Schema of the config object.
    ///   - authType: how the plugin authenticates to its platform (default: none).
    ///   - communityPlatformIDKey: the config key naming the community's platform id, e.g. a Slack team id.
    public init(schema: JSONValue, authType: AuthType = .none, communityPlatformIDKey: String? = nil) {
        self.schema = schema
        self.authType = authType
        self.communityPlatformIDKey = communityPlatformIDKey
    }

    public func apply(to type: inout PluginType) {
        type.configSchema = schema
        type.authType = authType
        type.communityPlatformIDKey = communityPlatformIDKey
    }
}

/// Event types the plugin sends to drivers (Metagov's `event_schemas`); emitting any other is a plugin fault.
public struct Emits: PluginTypeComponent {
    /// The declared event types.
    public var eventTypes: [String]

    /// Declares `eventTypes`.
    public init(_ eventTypes: String...) {
        self.eventTypes = eventTypes
    }

    public func apply(to type: inout PluginType) {
        type.eventTypes += eventTypes.filter { !type.eventTypes.contains($0) }
    }
}
