/// An action ready to run: its definition, its chain of wrappers composed, its schemas compiled.
final class ResolvedAction: Sendable {
    let pluginType: String
    let definition: ActionDefinition
    let handler: ActionHandler
    let input: JSONSchema?
    let output: JSONSchema?

    init(pluginType: String, definition: ActionDefinition, handler: @escaping ActionHandler, input: JSONSchema?, output: JSONSchema?) {
        self.pluginType = pluginType
        self.definition = definition
        self.handler = handler
        self.input = input
        self.output = output
    }
}

/// A process type with its input schema compiled.
struct RegisteredProcessType: Sendable {
    var type: ProcessType
    var input: JSONSchema?
}

/// A plugin type with everything compiled for fast calls (a class: it is looked up on every call and never
/// changes, so it is shared rather than copied).
final class RegisteredPluginType: Sendable {
    let type: PluginType
    let config: JSONSchema
    let actions: [String: ResolvedAction]
    let processes: [String: RegisteredProcessType]
    let eventTypes: Set<String>
    let info: PluginTypeInfo

    init(
        type: PluginType, config: JSONSchema, actions: [String: ResolvedAction],
        processes: [String: RegisteredProcessType], eventTypes: Set<String>, info: PluginTypeInfo
    ) {
        self.type = type
        self.config = config
        self.actions = actions
        self.processes = processes
        self.eventTypes = eventTypes
        self.info = info
    }
}

/// Every plugin type of the loaded extensions, built once at start-up.
struct PluginCatalog: Sendable {
    var types: [String: RegisteredPluginType]

    init(registry: ExtensionRegistry, formats: [String: NamedValidator]) throws {
        var plain: [String: PluginType] = [:]
        for provider in registry.implementations(of: (any PluginTypeProvider).self) {
            for type in provider.pluginTypes() {
                guard plain[type.name] == nil else {
                    throw MetagovError.alreadyExists("plugin type '\(type.name)' (again in extension '\(provider.name)')")
                }
                plain[type.name] = type
            }
        }
        for provider in registry.implementations(of: (any ActionProvider).self) {
            for added in provider.actions() {
                guard plain[added.pluginType] != nil else {
                    throw MetagovError.notFound("plugin type '\(added.pluginType)' for action '\(added.definition.slug)' of extension '\(provider.name)'")
                }
                plain[added.pluginType]?.actions.removeAll { $0.slug == added.definition.slug }
                plain[added.pluginType]?.actions.append(added.definition)
            }
        }
        let chains = registry.implementations(of: (any ActionProvider).self).flatMap { provider in
            provider.chainedActions().map { (provider.name, $0) }
        }
        var types: [String: RegisteredPluginType] = [:]
        for (name, type) in plain {
            types[name] = try Self.register(type, chains: chains.map { $0.1 }.filter { $0.action.hasPrefix(name + ".") }, formats: formats)
        }
        for (extensionName, chain) in chains {
            let parts = chain.action.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, types[parts[0]]?.actions[parts[1]] != nil else {
                throw MetagovError.notFound("action '\(chain.action)' chained by extension '\(extensionName)'")
            }
        }
        self.types = types
    }

    private static func register(_ type: PluginType, chains: [ChainedAction], formats: [String: NamedValidator]) throws
        -> RegisteredPluginType
    {
        func compile(_ schema: JSONValue?, _ what: String) throws -> JSONSchema? {
            guard let schema else { return nil }
            do {
                return try JSONSchema(schema, formats: formats)
            } catch {
                throw MetagovError(.internal, "invalid \(what) of plugin type '\(type.name)': \(error)")
            }
        }
        var actions: [String: ResolvedAction] = [:]
        for definition in type.actions {
            var handler = definition.handler
            // The first chain loaded is called first, so wrap from the last one outwards.
            for chain in chains.reversed() where chain.action == "\(type.name).\(definition.slug)" {
                let next = handler
                let wrapper = chain.handler
                handler = { context, parameters in try await wrapper(next, context, parameters) }
            }
            actions[definition.slug] = ResolvedAction(
                pluginType: type.name, definition: definition, handler: handler,
                input: try compile(definition.inputSchema, "input schema of action '\(definition.slug)'"),
                output: try compile(definition.outputSchema, "output schema of action '\(definition.slug)'"))
        }
        var processes: [String: RegisteredProcessType] = [:]
        for process in type.processes {
            processes[process.name] = RegisteredProcessType(
                type: process, input: try compile(process.inputSchema, "input schema of process '\(process.name)'"))
        }
        let info = PluginTypeInfo(
            name: type.name, description: type.description, configSchema: type.configSchema, authType: type.authType,
            communityPlatformIDKey: type.communityPlatformIDKey,
            actions: type.actions.map {
                ActionInfo(slug: $0.slug, description: $0.description, inputSchema: $0.inputSchema,
                           outputSchema: $0.outputSchema, isPublic: $0.isPublic)
            }.sorted { $0.slug < $1.slug },
            processes: type.processes.map {
                ProcessTypeInfo(name: $0.name, description: $0.description, inputSchema: $0.inputSchema,
                                outcomeSchema: $0.outcomeSchema, canClose: $0.close != nil)
            }.sorted { $0.name < $1.name },
            eventTypes: type.eventTypes)
        return RegisteredPluginType(
            type: type, config: try compile(type.configSchema, "config schema") ?? (try JSONSchema([:])),
            actions: actions, processes: processes, eventTypes: Set(type.eventTypes), info: info)
    }
}
