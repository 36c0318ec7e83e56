import Foundation

/// Running governance processes: start, get, list, close.
public struct ProcessService: Sendable {
    let core: Metagov

    /// Starts process type `process` of `plugin` in `community`. Parameters are validated with defaults
    /// filled in. The process is built in memory (status `created`, a reserved id), the type's `start` runs on it,
    /// and the process is stored as `start` left it, with everything else `start` did, in one unit of work; if
    /// `start` throws, nothing is stored.
    public func start(
        community: String, plugin: String, process: String, parameters: JSONValue? = nil, callbackURL: String? = nil,
        communityPlatformID: String? = nil
    ) async throws -> GovernanceProcess {
        let type = try core.pluginType(plugin)
        guard let processType = type.processes[process] else {
            throw MetagovError.notFound("process type '\(plugin).\(process)'")
        }
        let callbackURL = try Self.checkedCallbackURL(callbackURL)
        let instance = try await core.resolveInstance(community: community, name: plugin, communityPlatformID: communityPlatformID)
        let input = try core.validated(parameters ?? [:], processType.input, subject: "parameters of process '\(plugin).\(process)'")
        let id = try await core.processIDs.next { count in try await core.write { try $0.reserveProcessIDs(count: count) } }
        let now = core.now()
        let built = GovernanceProcess(
            id: id, pluginID: instance.id, community: instance.community, plugin: plugin, name: process,
            status: .created, outcome: nil, errors: nil, state: [:], callbackURL: callbackURL, createdAt: now,
            updatedAt: now, version: 1)
        let (_, summary) = try await core.runUnitOfWork(instance: instance, type: type, process: .new(built)) { context, handle in
            guard let handle else { throw MetagovError(.internal, "process \(id) has no handle while starting") }
            try await processType.type.start(ProcessContext(plugin: context, process: handle), input)
        }
        guard let started = summary.saved(id) else { throw MetagovError(.internal, "process \(id) was not stored") }
        core.notify([Modification(kind: .new, object: .process(started))])
        return started
    }

    /// The process `id` (from the core's read cache when it was read since its last change), or NOT_FOUND.
    public func get(_ id: Int64) async throws -> GovernanceProcess {
        try await memoizedGet(id).value
    }

    /// ``get(_:)`` with the memo kept beside the process in the core's read cache. On a database shared with
    /// other gateways the process is read from the database every time (with a memo of its own), so that a
    /// change acknowledged by another gateway shows at once, as it does on that gateway.
    public func memoizedGet(_ id: Int64) async throws -> Memoized<GovernanceProcess> {
        let load = { try await core.read { try $0.process(id: id) } }
        let found = core.store.hasPeers
            ? Memoized(value: try await load(), memo: DerivedMemo())
            : try await core.processCache.memoized(id, keep: { $0 != nil }, load: load)
        guard let process = found.value else { throw MetagovError.notFound("process \(id)") }
        return Memoized(value: process, memo: found.memo)
    }

    /// One page of processes matching `filter`, ordered by id. A community in the filter must exist.
    public func list(_ filter: ProcessFilter, pageSize: Int = 0, pageToken: String? = nil) async throws -> Page<GovernanceProcess> {
        let limit = try Paging.pageSize(pageSize)
        let after = try Paging.intKey(from: pageToken)
        let items = try await core.read { reader in
            if let community = filter.community, try reader.community(slug: community) == nil {
                throw MetagovError.notFound("community '\(community)'")
            }
            return try reader.processes(matching: filter, afterID: after, limit: limit + 1)
        }
        let page = Array(items.prefix(limit))
        let next = items.count > limit ? page.last.map { Paging.token(after: String($0.id)) } : nil
        return Page(items: page, nextPageToken: next)
    }

    /// Closes the process through its type's `close` hook. FAILED_PRECONDITION when the process is already
    /// completed or its type cannot be closed.
    public func close(_ id: Int64) async throws -> GovernanceProcess {
        let (instance, type, process) = try await context(of: id)
        guard process.status != .completed else {
            throw MetagovError.failedPrecondition("process \(id) is already completed")
        }
        guard let close = type.processes[process.name]?.type.close else {
            throw MetagovError.failedPrecondition("process type '\(process.plugin).\(process.name)' cannot be closed")
        }
        return try await runHook(id, instance, type) { context in
            guard context.process.status != .completed else {
                throw MetagovError.failedPrecondition("process \(id) is already completed")
            }
            try await close(context)
        }
    }

    /// Runs the type's `update` hook once if the process is pending and the type has one; returns the
    /// process as saved.
    public func update(_ id: Int64) async throws -> GovernanceProcess {
        let (instance, type, process) = try await context(of: id)
        guard process.status == .pending, let update = type.processes[process.name]?.type.update else { return process }
        return try await runHook(id, instance, type) { context in
            guard context.process.status == .pending else { return }
            try await update(context)
        }
    }

    private func runHook(
        _ id: Int64, _ instance: PluginInstance, _ type: RegisteredPluginType,
        _ hook: @escaping @Sendable (ProcessContext) async throws -> Void
    ) async throws -> GovernanceProcess {
        let (_, summary) = try await core.runUnitOfWork(instance: instance, type: type, process: .existing(id)) { context, handle in
            guard let handle else { throw MetagovError.notFound("process \(id)") }
            try await hook(ProcessContext(plugin: context, process: handle))
        }
        if let saved = summary.saved(id) { return saved }
        return try await get(id)
    }

    /// The instance, plugin type and current record of process `id`.
    private func context(of id: Int64) async throws -> (PluginInstance, RegisteredPluginType, GovernanceProcess) {
        let (process, instance) = try await core.read { reader -> (GovernanceProcess, PluginInstance?) in
            guard let process = try reader.process(id: id) else { throw MetagovError.notFound("process \(id)") }
            return (process, try reader.plugin(id: process.pluginID))
        }
        guard let instance else { throw MetagovError.notFound("plugin instance \(process.pluginID) of process \(id)") }
        guard let type = core.catalog[process.plugin] else {
            throw MetagovError.failedPrecondition("plugin type '\(process.plugin)' of process \(id) is not loaded")
        }
        return (instance, type, process)
    }

    private static func checkedCallbackURL(_ url: String?) throws -> String? {
        guard let url, !url.isEmpty else { return nil }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", parsed.host?.isEmpty == false
        else {
            throw MetagovError.invalidArgument("callback_url '\(url)' is not an absolute http(s) URL")
        }
        return url
    }
}
