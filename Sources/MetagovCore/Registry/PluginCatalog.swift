/// Every plugin type: those of the loaded extensions, fixed at start-up, and those plugin hosts register at
/// run time (never shadowing a built-in one). Both are compiled the same way, so the services cannot tell
/// them apart.
final class PluginCatalog: Sendable {
    private let builtins: [String: RegisteredPluginType]
    private let remote = Locked<[String: RegisteredPluginType]>([:])
    private let compiler: PluginTypeCompiler

    init(registry: ExtensionRegistry, formats: [String: NamedValidator], auth: AuthTable) throws {
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
        // A chain naming a type no extension provides waits for a plugin host to register that type.
        for (extensionName, chain) in chains {
            let parts = chain.action.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let type = plain[parts[0]] else {
                if parts.count == 2 { continue }
                throw MetagovError.notFound("action '\(chain.action)' chained by extension '\(extensionName)'")
            }
            guard type.actions.contains(where: { $0.slug == parts[1] }) else {
                throw MetagovError.notFound("action '\(chain.action)' chained by extension '\(extensionName)'")
            }
        }
        let compiler = PluginTypeCompiler(chains: chains.map(\.1), formats: formats, auth: auth)
        self.compiler = compiler
        builtins = try plain.mapValues { try compiler.compile($0, remote: nil) }
    }

    /// The plugin type `name`, if registered.
    subscript(name: String) -> RegisteredPluginType? {
        builtins[name] ?? remote.withLock { $0[name] }
    }

    /// Every registered plugin type.
    var all: [RegisteredPluginType] { Array(builtins.values) + remote.withLock { Array($0.values) } }

    /// Whether a loaded extension provides the type `name`.
    func isBuiltin(_ name: String) -> Bool { builtins[name] != nil }

    /// Compiles a type a plugin host defined; INVALID_ARGUMENT naming what does not compile.
    func compile(_ type: PluginType, remote definition: RemotePluginTypeDefinition) throws -> RegisteredPluginType {
        try compiler.compile(type, remote: definition)
    }

    /// Adds or replaces remote types (compiled with ``compile(_:remote:)``).
    func install(_ types: [RegisteredPluginType]) {
        remote.withLock { remote in
            for type in types where builtins[type.type.name] == nil { remote[type.type.name] = type }
        }
    }
}
