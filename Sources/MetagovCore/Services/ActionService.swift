/// Performing plugin actions.
public struct ActionService: Sendable {
    let core: Metagov

    /// Performs action `plugin.action` on the community's instance of the plugin.
    ///
    /// Parameters are validated against the action's input schema (defaults filled in) before the call and
    /// the result against its output schema after it; an invalid result is the plugin's fault (internal),
    /// and nothing the action wrote is kept.
    public func perform(
        community: String, plugin: String, action: String, parameters: JSONValue? = nil,
        communityPlatformID: String? = nil
    ) async throws -> JSONValue {
        let type = try core.pluginType(plugin)
        guard let resolved = type.actions[action] else { throw MetagovError.notFound("action '\(plugin).\(action)'") }
        let instance = try await core.resolveInstance(community: community, name: plugin, communityPlatformID: communityPlatformID)
        let input = try core.validated(parameters ?? [:], resolved.input, subject: "parameters of action '\(plugin).\(action)'")
        let (result, _) = try await core.runUnitOfWork(instance: instance, type: type) { context, _ in
            let result = try await resolved.handler(context, input)
            if let output = resolved.output {
                let errors = output.validate(result)
                guard errors.isEmpty else {
                    throw PluginError.internal(
                        "action '\(plugin).\(action)' returned an invalid result: \(errors.map(\.description).joined(separator: "; "))")
                }
            }
            return result
        }
        return result
    }

    /// Whether action `plugin.action` is public (callable without credentials).
    public func isPublic(plugin: String, action: String) throws -> Bool {
        guard let resolved = try core.pluginType(plugin).actions[action] else {
            throw MetagovError.notFound("action '\(plugin).\(action)'")
        }
        return resolved.definition.isPublic
    }
}
