/// A plugin type served out of process by plugin hosts (the protocol's `PluginTypeDefinition`): everything
/// drivers see of it, plus which of its hooks exist. Lists are kept in a canonical order (by slug or name), so
/// two definitions are equal exactly when they describe the same type.
package struct RemotePluginTypeDefinition: Sendable, Hashable {
    package var name: String
    package var description: String
    /// JSON-Schema of an instance's config; `nil` accepts any object.
    package var configSchema: JSONValue?
    package var authType: AuthType
    package var communityPlatformIDKey: String?
    package var actions: [Action]
    package var processes: [Process]
    package var eventTypes: [EventType]
    /// Whether the type may emit event types it does not declare (Metagov lets every plugin do so).
    package var acceptsUndeclaredEventTypes: Bool
    package var hasInitialize: Bool
    package var hasWebhookReceiver: Bool
    package var hasSignatureVerifier: Bool
    package var periodicTasks: [PeriodicTaskDefinition]

    /// An action of the type.
    package struct Action: Sendable, Hashable {
        package var slug: String
        package var description: String
        package var inputSchema: JSONValue?
        package var outputSchema: JSONValue?
        package var isPublic: Bool

        package init(slug: String, description: String, inputSchema: JSONValue?, outputSchema: JSONValue?, isPublic: Bool) {
            self.slug = slug
            self.description = description
            self.inputSchema = inputSchema
            self.outputSchema = outputSchema
            self.isPublic = isPublic
        }
    }

    /// A governance process type of the type, with the optional hooks it has (`start` always exists).
    package struct Process: Sendable, Hashable {
        package var name: String
        package var description: String
        package var inputSchema: JSONValue?
        package var outcomeSchema: JSONValue?
        package var hasClose: Bool
        package var hasUpdate: Bool
        package var hasReceiveWebhook: Bool

        package init(
            name: String, description: String, inputSchema: JSONValue?, outcomeSchema: JSONValue?, hasClose: Bool,
            hasUpdate: Bool, hasReceiveWebhook: Bool
        ) {
            self.name = name
            self.description = description
            self.inputSchema = inputSchema
            self.outcomeSchema = outcomeSchema
            self.hasClose = hasClose
            self.hasUpdate = hasUpdate
            self.hasReceiveWebhook = hasReceiveWebhook
        }
    }

    /// A declared event type, with the JSON-Schema of its data when the plugin describes it.
    package struct EventType: Sendable, Hashable {
        package var eventType: String
        package var schema: JSONValue?

        package init(eventType: String, schema: JSONValue?) {
            self.eventType = eventType
            self.schema = schema
        }
    }

    /// A periodic task: run for every instance on scheduler passes at least `intervalSeconds` apart (0: every
    /// pass).
    package struct PeriodicTaskDefinition: Sendable, Hashable {
        package var name: String
        package var intervalSeconds: Int

        package init(name: String, intervalSeconds: Int) {
            self.name = name
            self.intervalSeconds = intervalSeconds
        }
    }

    package init(
        name: String, description: String, configSchema: JSONValue?, authType: AuthType,
        communityPlatformIDKey: String?, actions: [Action], processes: [Process], eventTypes: [EventType],
        acceptsUndeclaredEventTypes: Bool, hasInitialize: Bool, hasWebhookReceiver: Bool, hasSignatureVerifier: Bool,
        periodicTasks: [PeriodicTaskDefinition]
    ) {
        self.name = name
        self.description = description
        self.configSchema = configSchema
        self.authType = authType
        self.communityPlatformIDKey = communityPlatformIDKey
        self.actions = actions.sorted { $0.slug < $1.slug }
        self.processes = processes.sorted { $0.name < $1.name }
        self.eventTypes = eventTypes.sorted { $0.eventType < $1.eventType }
        self.acceptsUndeclaredEventTypes = acceptsUndeclaredEventTypes
        self.hasInitialize = hasInitialize
        self.hasWebhookReceiver = hasWebhookReceiver
        self.hasSignatureVerifier = hasSignatureVerifier
        self.periodicTasks = periodicTasks.sorted { $0.name < $1.name }
    }
}
