/// How a plugin authenticates to its external platform (Metagov's `auth_type`).
public enum AuthType: String, Sendable, Hashable, Codable {
    case none
    case apiKey = "api_key"
    case oauth
}

/// A kind of plugin that communities can enable: its configuration schema, actions, governance processes and
/// the events it emits. Registered in code by a ``PluginTypeProvider``.
public struct PluginType: Sendable {
    /// Unique name, e.g. `randomness`.
    public var name: String
    public var description: String
    /// JSON-Schema of the instance configuration; defaults declared there are filled in when enabling.
    public var configSchema: JSONValue
    public var authType: AuthType
    /// Config key whose value becomes the instance's `community_platform_id` (Metagov's
    /// `community_platform_id_key`).
    public var communityPlatformIDKey: String?
    public var actions: [ActionDefinition]
    public var processes: [ProcessType]
    /// Event types the plugin declares; emitting any other type is a plugin fault unless
    /// ``acceptsUndeclaredEventTypes`` is set.
    public var eventTypes: [String]
    /// Whether the plugin may also emit event types it does not declare (Metagov lets every plugin do so).
    public var acceptsUndeclaredEventTypes: Bool
    /// Called once, right after an instance is created; its state writes and events are kept only if it
    /// succeeds, and creation is undone if it throws.
    public var initialize: (@Sendable (PluginContext) async throws -> Void)?
    /// Run by the scheduler for every instance (Metagov's `event_producer_task`), each on passes at least its
    /// interval apart.
    public var periodicTasks: [PeriodicTask]
    /// Receives platform webhooks addressed to an instance.
    public var webhookReceiver: (@Sendable (PluginContext, WebhookRequest) async throws -> Void)?
    /// Checks a webhook's signature against the instance's config before anything parses its body; false
    /// rejects the webhook (HTTP 401, UNAUTHENTICATED) and nothing else happens.
    public var webhookVerifier: (@Sendable (WebhookRequest, _ config: JSONValue) -> Bool)?
    /// For types served by plugin hosts: the signature check as a round trip to the host, which reads the
    /// instance's state too. Used instead of ``webhookVerifier`` when set.
    package var webhookSignatureCheck: (@Sendable (PluginContext, WebhookRequest) async throws -> Bool)?
    /// For webhooks sent to the plugin as a whole (`/api/hooks/{plugin}`): the community_platform_id of the
    /// instance they are for, read from the request (Metagov's global webhook receivers).
    public var webhookPlatformID: (@Sendable (WebhookRequest) -> String?)?

    /// A plugin type with nothing but a name and a description; declare the rest with
    /// ``init(_:description:_:)`` or by setting the properties.
    public init(name: String, description: String) {
        self.name = name
        self.description = description
        self.configSchema = [:]
        self.authType = .none
        self.communityPlatformIDKey = nil
        self.actions = []
        self.processes = []
        self.eventTypes = []
        self.acceptsUndeclaredEventTypes = false
        self.periodicTasks = []
    }
}
