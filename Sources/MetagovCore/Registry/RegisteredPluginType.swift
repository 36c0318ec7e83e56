/// An action ready to run: its definition, its chain of wrappers composed, its schemas compiled, its auth
/// function resolved.
final class ResolvedAction: Sendable {
    let pluginType: String
    let definition: ActionDefinition
    let handler: ActionHandler
    let input: JSONSchema?
    let output: JSONSchema?
    /// Who may perform it (`PLUGIN.SLUG` in the auth table).
    let auth: AuthTable.Resolved

    init(
        pluginType: String, definition: ActionDefinition, handler: @escaping ActionHandler, input: JSONSchema?,
        output: JSONSchema?, auth: AuthTable.Resolved
    ) {
        self.pluginType = pluginType
        self.definition = definition
        self.handler = handler
        self.input = input
        self.output = output
        self.auth = auth
    }
}

/// A process type with its input schema compiled (a class, as ``ResolvedAction``: looked up on every process
/// call and never changed, so shared rather than copied field by field).
final class RegisteredProcessType: Sendable {
    let type: ProcessType
    let input: JSONSchema?

    init(type: ProcessType, input: JSONSchema?) {
        self.type = type
        self.input = input
    }
}

/// A plugin type with everything compiled for fast calls (a class: it is looked up on every call and never
/// changes, so it is shared rather than copied).
final class RegisteredPluginType: Sendable {
    let type: PluginType
    let config: JSONSchema
    let actions: [String: ResolvedAction]
    let processes: [String: RegisteredProcessType]
    /// The event types it may emit; `nil`: any.
    let eventTypes: Set<String>?
    let info: PluginTypeInfo
    /// What a plugin host registered, for types served out of process.
    let remote: RemotePluginTypeDefinition?

    init(
        type: PluginType, config: JSONSchema, actions: [String: ResolvedAction],
        processes: [String: RegisteredProcessType], info: PluginTypeInfo, remote: RemotePluginTypeDefinition?
    ) {
        self.type = type
        self.config = config
        self.actions = actions
        self.processes = processes
        self.eventTypes = type.acceptsUndeclaredEventTypes ? nil : Set(type.eventTypes)
        self.info = info
        self.remote = remote
    }

    /// Whether the type receives webhooks at all: a receiver, or a process type that takes them.
    var receivesWebhooks: Bool {
        type.webhookReceiver != nil || processes.values.contains { $0.type.receiveWebhook != nil }
    }
}
