/// Compiles a plugin type for fast calls: schemas compiled, chained actions composed, auth functions resolved,
/// the description drivers see built.
struct PluginTypeCompiler: Sendable {
    let chains: [ChainedAction]
    let formats: [String: NamedValidator]
    let auth: AuthTable

    /// A malformed type is an internal error for a built-in one (a bug in an extension) and INVALID_ARGUMENT
    /// for one a plugin host registered.
    func compile(_ type: PluginType, remote: RemotePluginTypeDefinition?) throws -> RegisteredPluginType {
        func compile(_ schema: JSONValue?, _ what: String) throws -> JSONSchema? {
            guard let schema else { return nil }
            do {
                return try JSONSchema(schema, formats: formats)
            } catch {
                throw MetagovError(remote == nil ? .internal : .invalidArgument, "invalid \(what) of plugin type '\(type.name)': \(error)")
            }
        }
        var actions: [String: ResolvedAction] = [:]
        for definition in type.actions {
            let name = "\(type.name).\(definition.slug)"
            var handler = definition.handler
            // The first chain loaded is called first, so wrap from the last one outwards.
            for chain in chains.reversed() where chain.action == name {
                let next = handler
                let wrapper = chain.handler
                handler = { context, parameters in try await wrapper(next, context, parameters) }
            }
            actions[definition.slug] = ResolvedAction(
                pluginType: type.name, definition: definition, handler: handler,
                input: try compile(definition.inputSchema, "input schema of action '\(definition.slug)'"),
                output: try compile(definition.outputSchema, "output schema of action '\(definition.slug)'"),
                auth: auth.pluginAction(name, isPublic: definition.isPublic))
        }
        var processes: [String: RegisteredProcessType] = [:]
        for process in type.processes {
            processes[process.name] = RegisteredProcessType(
                type: process, input: try compile(process.inputSchema, "input schema of process '\(process.name)'"))
        }
        for (index, event) in (remote?.eventTypes ?? []).enumerated() {
            _ = try compile(event.schema, "schema of event type #\(index + 1) '\(event.eventType)'")
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
            actions: actions, processes: processes, info: info, remote: remote)
    }
}
