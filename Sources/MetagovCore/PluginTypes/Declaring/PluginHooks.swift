/// Runs once when a community enables the plugin (Metagov's `Plugin.initialize`); its state writes and events
/// are kept only if it succeeds, and enabling fails if it throws.
public struct Initialize: PluginTypeComponent {
    /// The hook.
    public var body: @Sendable (PluginContext) async throws -> Void

    /// Declares the initialize hook.
    public init(_ body: @escaping @Sendable (PluginContext) async throws -> Void) {
        self.body = body
    }

    public func apply(to type: inout PluginType) { type.initialize = body }
}

/// Runs for every instance on scheduler passes (Metagov's `@Registry.event_producer_task`): polls the
/// platform, sends events to drivers. A plugin type may have several, each with its own interval.
public struct PeriodicTask: PluginTypeComponent {
    /// Names the task in logs and in the scheduler's report; unique within the plugin type.
    public var name: String
    /// The least time between two runs for one instance; `.zero` runs it on every scheduler pass.
    public var interval: Duration
    /// The task.
    public var body: @Sendable (PluginContext) async throws -> Void

    /// Declares a periodic task.
    ///
    /// - Parameters:
    ///   - name: unique within the plugin type (default `periodic`).
    ///   - interval: the least time between two runs for one instance (default: every scheduler pass).
    ///   - body: the task; its state writes and events are saved when it returns.
    public init(
        _ name: String = "periodic", every interval: Duration = .zero,
        _ body: @escaping @Sendable (PluginContext) async throws -> Void
    ) {
        self.name = name
        self.interval = interval
        self.body = body
    }

    public func apply(to type: inout PluginType) { type.periodicTasks.append(self) }
}

/// Receives the platform's webhooks addressed to an instance (Metagov's `@Registry.webhook_receiver`).
public struct WebhookReceiver: PluginTypeComponent {
    /// Handles one request.
    public var receive: @Sendable (PluginContext, WebhookRequest) async throws -> Void
    /// Checks a request's signature against the instance's config before anything reads its body.
    public var verify: (@Sendable (WebhookRequest, _ config: JSONValue) -> Bool)?
    /// For webhooks sent to the plugin as a whole: the community platform id of the instance they are for.
    public var platformID: (@Sendable (WebhookRequest) -> String?)?

    /// - Parameters:
    ///   - verify: false rejects the request (HTTP 401) and nothing else happens.
    ///   - platformID: reads, from a request sent to `/api/hooks/{plugin}`, which instance it is for.
    ///   - receive: handles a request; its state writes and events are saved when it returns.
    public init(
        verify: (@Sendable (WebhookRequest, _ config: JSONValue) -> Bool)? = nil,
        platformID: (@Sendable (WebhookRequest) -> String?)? = nil,
        _ receive: @escaping @Sendable (PluginContext, WebhookRequest) async throws -> Void
    ) {
        self.receive = receive
        self.verify = verify
        self.platformID = platformID
    }

    public func apply(to type: inout PluginType) {
        type.webhookReceiver = receive
        type.webhookVerifier = verify
        type.webhookPlatformID = platformID
    }
}
