/// The function behind an action: receives the plugin context and the validated parameters (defaults filled
/// in) and returns the result object.
public typealias ActionHandler = @Sendable (PluginContext, JSONValue) async throws -> JSONValue

/// An action of a plugin type, performed on a community's instance (Metagov's `@Registry.action`).
/// Its full name is `plugin.slug`.
public struct ActionDefinition: Sendable {
    public var slug: String
    public var description: String
    /// JSON-Schema the parameters must satisfy; `nil` accepts any object.
    public var inputSchema: JSONValue?
    /// JSON-Schema the result must satisfy; `nil` accepts any value.
    public var outputSchema: JSONValue?
    /// Whether callers need no credentials to perform it (enforced by the auth layer).
    public var isPublic: Bool
    public var handler: ActionHandler

    public init(
        slug: String, description: String, inputSchema: JSONValue? = nil, outputSchema: JSONValue? = nil,
        isPublic: Bool = false, handler: @escaping ActionHandler
    ) {
        self.slug = slug
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.isPublic = isPublic
        self.handler = handler
    }
}

/// An action, as listed in a plugin type declaration (Metagov's `@Registry.action`).
public typealias Action = ActionDefinition

extension ActionDefinition: PluginTypeComponent {
    /// Declares an action: `Action("random-int", "A random integer", input: schema) { context, parameters in ... }`.
    ///
    /// - Parameters:
    ///   - slug: the action's name within the plugin (its full name is `plugin.slug`).
    ///   - description: what it does, shown to drivers.
    ///   - input: JSON-Schema of the parameters (defaults filled in); `nil` accepts any object.
    ///   - output: JSON-Schema of the result, checked after the call; `nil` accepts any value.
    ///   - isPublic: whether callers need no credentials.
    ///   - perform: the action; returns the result object.
    public init(
        _ slug: String, _ description: String, input: JSONValue? = nil, output: JSONValue? = nil,
        isPublic: Bool = false, perform: @escaping ActionHandler
    ) {
        self.init(
            slug: slug, description: description, inputSchema: input, outputSchema: output, isPublic: isPublic,
            handler: perform)
    }

    public func apply(to type: inout PluginType) { type.actions.append(self) }
}
