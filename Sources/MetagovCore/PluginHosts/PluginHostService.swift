/// Plugin types served out of process: plugin hosts register their types here and get invocations of their
/// hooks (see ``PluginHostSession``).
package struct PluginHostService: Sendable {
    let core: Metagov

    /// Registers a connected host: its types join the catalog (or, when hosts already serve them with the same
    /// definition, the host becomes one more replica) and invocations start flowing to it through `link`.
    ///
    /// - INVALID_ARGUMENT: no type, a malformed definition (names, schemas), `maxInFlight` below 1;
    /// - PERMISSION_DENIED: a type outside `allowedTypes` (the token's list; `nil` allows any);
    /// - FAILED_PRECONDITION: a type built into the gateway, or one connected hosts serve with another
    ///   definition (the message names the difference).
    ///
    /// Nothing is registered when any type is refused. A definition that differs from what was registered
    /// before while no host served the type replaces it (a plugin upgrade).
    package func connect(
        hostName: String, definitions: [RemotePluginTypeDefinition], maxInFlight: Int, allowedTypes: Set<String>?,
        link: any PluginHostLink
    ) async throws -> PluginHostSession {
        guard maxInFlight >= 1 else { throw MetagovError.invalidArgument("max_in_flight must be at least 1") }
        guard !definitions.isEmpty else { throw MetagovError.invalidArgument("a plugin host must register at least one plugin type") }
        var names: Set<String> = []
        for definition in definitions {
            guard names.insert(definition.name).inserted else {
                throw MetagovError.invalidArgument("plugin type '\(definition.name)' is registered twice")
            }
            try definition.validate()
            if let allowedTypes, !allowedTypes.contains(definition.name) {
                throw MetagovError(.permissionDenied, "this token may not serve plugin type '\(definition.name)' (it may serve: \(allowedTypes.sorted().joined(separator: ", ")))")
            }
            guard !core.catalog.isBuiltin(definition.name) else {
                throw MetagovError.failedPrecondition("plugin type '\(definition.name)' is built into this gateway; a plugin host cannot serve it")
            }
        }
        await core.registrations.lock(0)
        defer { core.registrations.unlock(0) }
        var changed: [RegisteredPluginType] = []
        for definition in definitions {
            let current = core.catalog[definition.name]?.remote
            if let current, current == definition { continue }
            if let current, core.hostRouter.hasHost(definition.name) {
                throw MetagovError.failedPrecondition(
                    "plugin type '\(definition.name)' is served by connected hosts with a different definition: \(current.difference(from: definition) ?? "it differs")")
            }
            changed.append(try core.catalog.compile(definition.pluginType(router: core.hostRouter), remote: definition))
        }
        if !changed.isEmpty {
            let definitions = changed.compactMap(\.remote)
            try await core.write { writer in
                for definition in definitions {
                    try writer.saveRemotePluginTypeDefinition(name: definition.name, definition: definition.json)
                }
            }
            core.catalog.install(changed)
        }
        let session = PluginHostSession(
            key: core.hostRouter.newHostKey(), hostName: String(hostName.prefix(200)),
            pluginTypes: definitions.map(\.name), maxInFlight: maxInFlight, link: link, router: core.hostRouter)
        session.open()
        core.logger.info(
            "plugin host connected",
            metadata: ["host": "\(session.hostID)", "name": "\(session.hostName)", "types": "\(session.pluginTypes.joined(separator: ","))"])
        return session
    }

    /// Adds the types plugin hosts registered before (kept in the store) to the catalog, so that they are
    /// listed and can be enabled while no host serves them (their hooks fail with UNAVAILABLE until one
    /// connects). A stored definition that no longer compiles, or names a type built in now, is skipped with
    /// a warning.
    package func restore() async throws {
        let stored = try await core.read { try $0.remotePluginTypeDefinitions() }
        var restored: [RegisteredPluginType] = []
        for (name, json) in stored.sorted(by: { $0.key < $1.key }) where !core.catalog.isBuiltin(name) {
            do {
                let definition = try RemotePluginTypeDefinition(json: json)
                try definition.validate()
                restored.append(try core.catalog.compile(definition.pluginType(router: core.hostRouter), remote: definition))
            } catch {
                core.logger.warning("skipped a stored remote plugin type", metadata: ["type": "\(name)", "error": "\(error)"])
            }
        }
        core.catalog.install(restored)
    }

    /// The gateway is shutting down: every connected host is drained (no new invocations; those in flight may
    /// finish) and its stream ended.
    package func shutdown() {
        core.hostRouter.beginShutdown()
    }
}
