/// Applies what a plugin host says a hook did to the hook's context, exactly as in-process plugin code would
/// have done it: state writes, events (their types checked), process changes, linked accounts and the
/// community platform id, all saved together by the unit of work. Effects can only reach the invocation's
/// own instance and process: they name no ids.
struct RemoteEffectsApplication {
    let effects: RemoteEffects
    let hook: RemoteHook

    func apply(to context: PluginContext, process: ProcessHandle?) throws {
        for key in effects.pluginStateRemoved { context.setState(key, nil) }
        for (key, value) in effects.pluginStateSet { context.setState(key, value) }
        if let platformID = effects.communityPlatformID { context.setCommunityPlatformID(platformID) }
        for event in effects.events {
            guard !event.eventType.isEmpty else { throw PluginError.internal("an event without an event type") }
            try context.emit(event.eventType, data: event.data, initiator: event.initiator)
        }
        if let changes = effects.process {
            guard let process else {
                throw PluginError.internal("the \(hook.description) hook has no process, but its answer changes one")
            }
            apply(changes, to: process)
        }
        for link in effects.linkedAccounts { context.addLinkedAccountOnCommit(link) }
    }

    private func apply(_ changes: RemoteEffects.ProcessChanges, to process: ProcessHandle) {
        if let status = changes.status { process.status = status }
        if let outcome = changes.outcome { process.outcome = outcome }
        if let errors = changes.errors { process.errors = errors }
        if let url = changes.url { process.url = url }
        for key in changes.stateRemoved { process.setState(key, nil) }
        for (key, value) in changes.stateSet { process.setState(key, value) }
    }
}
