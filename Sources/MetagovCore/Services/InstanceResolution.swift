extension Metagov {
    /// Finds the instance of plugin type `name` in `community` that a call addresses: by `id` when given,
    /// else by `communityPlatformID`, else the community's only instance of that type (preferring the one
    /// without a platform id when there are several).
    ///
    /// Missing community → NOT_FOUND naming it; plugin not enabled → `notEnabledCode` with
    /// "plugin 'P' is not enabled for community 'S'".
    func resolveInstance(
        community: String, name: String, communityPlatformID: String? = nil, id: Int64? = nil,
        notEnabledCode: MetagovError.Code = .failedPrecondition
    ) async throws -> PluginInstance {
        let all = try await instanceCache.value(InstanceKey(community: community, name: name), keep: { !$0.isEmpty }) {
            try await read { try $0.plugins(community: community, name: name) }
        }
        var found: PluginInstance?
        if let id, id != 0 {
            found = all.first { $0.id == id }
        } else if let communityPlatformID, !communityPlatformID.isEmpty {
            found = all.first { $0.communityPlatformID == communityPlatformID }
        } else if all.count > 1 {
            guard let plain = all.first(where: { $0.communityPlatformID == nil }) else {
                throw MetagovError.invalidArgument(
                    "community '\(community)' has \(all.count) instances of plugin '\(name)'; give community_platform_id or id")
            }
            found = plain
        } else {
            found = all.first
        }
        if let found { return found }
        guard try await read({ try $0.community(slug: community) }) != nil else {
            throw MetagovError.notFound("community '\(community)'")
        }
        guard catalog[name] != nil else { throw MetagovError.notFound("plugin type '\(name)'") }
        var what = "plugin '\(name)'"
        if let id, id != 0 { what += " (id \(id))" }
        else if let communityPlatformID, !communityPlatformID.isEmpty { what += " (community_platform_id '\(communityPlatformID)')" }
        throw MetagovError(notEnabledCode, "\(what) is not enabled for community '\(community)'")
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
