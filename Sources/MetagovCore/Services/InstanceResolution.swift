extension Metagov {
    /// Finds the instance of plugin type `name` in `community` that a call addresses: by `id` when given,
    /// else by `communityPlatformID`, else the community's only instance of that type (preferring the one
    /// without a platform id when there are several).
    ///
    /// Missing community → NOT_FOUND naming it; plugin not enabled → `notEnabledCode` with
    /// "plugin 'P' is not enabled for community 'S'".
    @inline(never)  // inlined, its frame would grow its callers' frames (allocated on every call) past a slab
    func resolveInstance(
        community: String, name: String, communityPlatformID: String? = nil, id: Int64? = nil,
        notEnabledCode: MetagovError.Code = .failedPrecondition
    ) async throws -> PluginInstance {
        let all = try await instanceCache.value(InstanceKey(community: community, name: name), keep: { !$0.isEmpty }) {
            try await read { try $0.plugins(community: community, name: name) }
        }
        if let found = try Self.select(all, community: community, name: name, communityPlatformID: communityPlatformID, id: id) {
            return found
        }
        try await throwNotEnabled(community: community, name: name, communityPlatformID: communityPlatformID, id: id, notEnabledCode)
    }

    /// The instance the arguments of ``resolveInstance(community:name:communityPlatformID:id:notEnabledCode:)``
    /// pick among the community's instances `all` of the plugin. (Synchronous and apart, so that its temporaries
    /// stay out of the `async` caller's frame, which is allocated on every call.)
    @inline(never)
    private static func select(
        _ all: [PluginInstance], community: String, name: String, communityPlatformID: String?, id: Int64?
    ) throws -> PluginInstance? {
        if let id, id != 0 { return all.first { $0.id == id } }
        if let communityPlatformID, !communityPlatformID.isEmpty { return all.first { $0.communityPlatformID == communityPlatformID } }
        guard all.count > 1 else { return all.first }
        guard let plain = all.first(where: { $0.communityPlatformID == nil }) else {
            throw MetagovError.invalidArgument(
                "community '\(community)' has \(all.count) instances of plugin '\(name)'; give community_platform_id or id")
        }
        return plain
    }

    /// Why no instance was found: NOT_FOUND for a missing community or plugin type, else `code`.
    private func throwNotEnabled(
        community: String, name: String, communityPlatformID: String?, id: Int64?, _ code: MetagovError.Code
    ) async throws -> Never {
        guard try await read({ try $0.community(slug: community) }) != nil else {
            throw MetagovError.notFound("community '\(community)'")
        }
        guard catalog[name] != nil else { throw MetagovError.notFound("plugin type '\(name)'") }
        var what = "plugin '\(name)'"
        if let id, id != 0 { what += " (id \(id))" }
        else if let communityPlatformID, !communityPlatformID.isEmpty { what += " (community_platform_id '\(communityPlatformID)')" }
        throw MetagovError(code, "\(what) is not enabled for community '\(community)'")
    }

    /// Validates `value` against `schema` filling defaults; failures are INVALID_ARGUMENT "Validation error".
    func validated(_ value: JSONValue, _ schema: JSONSchema?, subject: @autoclosure () -> String) throws -> JSONValue {
        guard let schema else { return value }
        switch schema.validateFillingDefaults(value) {
        case .success(let filled): return filled
        case .failure(let errors): throw MetagovError.validation(subject(), errors.errors)
        }
    }
}
