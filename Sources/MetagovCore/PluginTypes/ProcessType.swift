/// A lifecycle hook of a governance process.
public typealias ProcessHook = @Sendable (ProcessContext) async throws -> Void

/// A kind of governance process a plugin type runs (Metagov's `GovernanceProcess` subclass).
///
/// Hooks change the process through ``ProcessContext/process``: status, outcome, errors and state. Their
/// changes, state writes and emitted events are saved together when the hook returns, and dropped when it
/// throws. A hook may run again if another writer changed the same records concurrently, so keep effects
/// outside the core idempotent.
public struct ProcessType: Sendable {
    public var name: String
    public var description: String
    /// JSON-Schema of the start parameters; defaults declared there are filled in.
    public var inputSchema: JSONValue?
    /// JSON-Schema describing the outcome object, for drivers.
    public var outcomeSchema: JSONValue?
    /// Required: starts the process with the validated parameters; usually sets status to pending.
    public var start: @Sendable (ProcessContext, JSONValue) async throws -> Void
    /// Optional: closes the process; usually sets status to completed and the outcome.
    public var close: ProcessHook?
    /// Optional: called on every scheduler pass while the process is pending.
    public var update: ProcessHook?
    /// Optional: receives webhooks addressed to the plugin instance while the process is pending.
    public var receiveWebhook: (@Sendable (ProcessContext, WebhookRequest) async throws -> Void)?

    public init(
        name: String, description: String, inputSchema: JSONValue? = nil, outcomeSchema: JSONValue? = nil,
        start: @escaping @Sendable (ProcessContext, JSONValue) async throws -> Void,
        close: ProcessHook? = nil, update: ProcessHook? = nil,
        receiveWebhook: (@Sendable (ProcessContext, WebhookRequest) async throws -> Void)? = nil
    ) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.outcomeSchema = outcomeSchema
        self.start = start
        self.close = close
        self.update = update
        self.receiveWebhook = receiveWebhook
    }
}

extension ProcessType: PluginTypeComponent {
    /// Declares a process type (Metagov's `@Registry.governance_process` class) with its hooks as trailing
    /// closures:
    ///
    /// ```swift
    /// ProcessType("vote", "A vote", input: schema) { process, parameters in
    ///     process.process.status = .pending
    /// } update: { process in
    ///     ...
    /// } close: { process in
    ///     process.process.status = .completed
    /// }
    /// ```
    public init(
        _ name: String, _ description: String, input: JSONValue? = nil, outcome: JSONValue? = nil,
        start: @escaping @Sendable (ProcessContext, JSONValue) async throws -> Void,
        update: ProcessHook? = nil, close: ProcessHook? = nil,
        receiveWebhook: (@Sendable (ProcessContext, WebhookRequest) async throws -> Void)? = nil
    ) {
        self.init(
            name: name, description: description, inputSchema: input, outcomeSchema: outcome, start: start,
            close: close, update: update, receiveWebhook: receiveWebhook)
    }

    public func apply(to type: inout PluginType) { type.processes.append(self) }
}
