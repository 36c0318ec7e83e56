/// Description of an action, as listed to drivers.
public struct ActionInfo: Sendable, Hashable {
    public var slug: String
    public var description: String
    public var inputSchema: JSONValue?
    public var outputSchema: JSONValue?
    public var isPublic: Bool
}

/// Description of a governance process type, as listed to drivers.
public struct ProcessTypeInfo: Sendable, Hashable {
    public var name: String
    public var description: String
    public var inputSchema: JSONValue?
    public var outcomeSchema: JSONValue?
    /// Whether the process can be closed explicitly.
    public var canClose: Bool
}

/// Description of a plugin type with every action it has after extensions added, replaced or chained them.
public struct PluginTypeInfo: Sendable, Hashable {
    public var name: String
    public var description: String
    public var configSchema: JSONValue
    public var authType: AuthType
    public var communityPlatformIDKey: String?
    /// Sorted by slug.
    public var actions: [ActionInfo]
    /// Sorted by name.
    public var processes: [ProcessTypeInfo]
    public var eventTypes: [String]
}
