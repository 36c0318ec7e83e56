/// Plugin types, and enabling and disabling plugin instances for communities.
public struct PluginService: Sendable {
    let core: Metagov

    /// Every registered plugin type, sorted by name.
    public func types() -> [PluginTypeInfo] {
        core.catalog.all.map(\.info).sorted { $0.name < $1.name }
    }

    /// The plugin type `name`, or NOT_FOUND.
    public func type(_ name: String) throws -> PluginTypeInfo { try core.pluginType(name).info }

    /// Enables plugin type `name` for `community`, or updates the existing instance (Metagov's
    /// `enable_plugin`). The config is validated against the type's schema with defaults filled in; the
    /// instance's `community_platform_id` is taken from the type's configured key. A new instance gets
    /// `initialize()` called once; if that throws, the instance is removed again. An existing instance keeps
    /// its id and state.
    public func enable(community: String, name: String, config: JSONValue? = nil) async throws -> PluginInstance {
        let type = try core.pluginType(name)
        let config = try core.validated(config ?? [:], type.config, subject: "config of plugin '\(name)'")
        let platformID = try Self.platformID(config, key: type.type.communityPlatformIDKey)
        let (instance, created) = try await core.write { writer -> (PluginInstance, Bool) in
            guard try writer.community(slug: community) != nil else {
                throw MetagovError.notFound("community '\(community)'")
            }
            if let existing = try writer.plugin(community: community, name: name, communityPlatformID: platformID) {
                return (try writer.updatePlugin(id: existing.id, communityPlatformID: platformID, config: config), false)
            }
            return (try writer.insertPlugin(community: community, name: name, communityPlatformID: platformID, config: config), true)
        }
        core.directoryChanged()
        guard created else {
            core.notify([Modification(kind: .changed, object: .plugin(instance))])
            return instance
        }
        var initialized = instance
        if let initialize = type.type.initialize {
            do {
                let (_, summary) = try await core.runUnitOfWork(instance: instance, type: type, newInstance: true) { context, _ in
                    try await initialize(context)
                }
                // initialize may set the community platform id (Metagov plugins that learn it from the platform).
                initialized = summary.plugin ?? instance
            } catch {
                let id = instance.id
                _ = try? await core.write { try $0.deletePlugin(id: id) }
                core.directoryChanged()
                throw error
            }
        }
        core.notify([Modification(kind: .new, object: .plugin(initialized))])
        return initialized
    }

    /// Disables (deletes) an instance, addressed by name and platform id or by instance id; its state and
    /// processes go with it. Returns the removed instance.
    @discardableResult
    public func disable(community: String, name: String, communityPlatformID: String? = nil, id: Int64? = nil)
        async throws -> PluginInstance
    {
        let instance = try await core.resolveInstance(
            community: community, name: name, communityPlatformID: communityPlatformID, id: id, notEnabledCode: .notFound)
        let instanceID = instance.id
        _ = try await core.write { try $0.deletePlugin(id: instanceID) }
        core.directoryChanged()
        core.notify([Modification(kind: .deleted, object: .plugin(instance))])
        return instance
    }

    /// The instances enabled for `community`, ordered by id.
    public func list(community: String) async throws -> [PluginInstance] {
        try await core.read { reader in
            guard try reader.community(slug: community) != nil else {
                throw MetagovError.notFound("community '\(community)'")
            }
            return try reader.plugins(community: community)
        }
    }

    /// The instance a call addresses (see ``disable(community:name:communityPlatformID:id:)`` for how).
    public func get(community: String, name: String, communityPlatformID: String? = nil, id: Int64? = nil)
        async throws -> PluginInstance
    {
        try await core.resolveInstance(
            community: community, name: name, communityPlatformID: communityPlatformID, id: id, notEnabledCode: .notFound)
    }

    /// The persistent state of an instance.
    public func state(pluginID: Int64) async throws -> [String: JSONValue] {
        try await core.read { try $0.pluginState(pluginID: pluginID) }
    }

    private static func platformID(_ config: JSONValue, key: String?) throws -> String? {
        guard let key, let value = config[key], !value.isNull else { return nil }
        switch value {
        case .string(let s): return s.isEmpty ? nil : s
        case .integer(let i): return String(i)
        case .number, .bool: return value.description
        default:
            throw MetagovError.invalidArgument("config key '\(key)' (the community platform id) must be a string")
        }
    }
}
