/// The next function in a chain of actions.
public typealias NextAction = ActionHandler

/// A function that wraps an existing action (CKAN's `chained_action`): it may call `next`, change its
/// input or output, or throw instead.
public typealias ChainedActionHandler = @Sendable (_ next: NextAction, PluginContext, JSONValue) async throws -> JSONValue

/// An action added to (or replacing one of) an existing plugin type.
public struct ProvidedAction: Sendable {
    /// Name of the plugin type that receives the action.
    public var pluginType: String
    public var definition: ActionDefinition

    public init(pluginType: String, definition: ActionDefinition) {
        self.pluginType = pluginType
        self.definition = definition
    }
}

/// A chained action intercepting the action named `action` (`plugin.slug`).
public struct ChainedAction: Sendable {
    public var action: String
    public var handler: ChainedActionHandler

    public init(action: String, handler: @escaping ChainedActionHandler) {
        self.action = action
        self.handler = handler
    }
}

/// Adds actions and chained actions (CKAN's `IActions`).
///
/// An added action with the slug of an existing one replaces it. Chained actions wrap the resolved action;
/// when several extensions chain the same action, the one loaded first is called first.
public protocol ActionProvider: MetagovExtension {
    func actions() -> [ProvidedAction]
    func chainedActions() -> [ChainedAction]
}

extension ActionProvider {
    public func actions() -> [ProvidedAction] { [] }
    public func chainedActions() -> [ChainedAction] { [] }
}
