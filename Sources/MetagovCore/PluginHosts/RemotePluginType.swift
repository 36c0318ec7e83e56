extension RemotePluginTypeDefinition {
    /// The plugin type this definition describes, whose hooks are invocations on the hosts serving it. The
    /// core compiles and runs it like any built-in type.
    func pluginType(router: PluginHostRouter) -> PluginType {
        let call = RemoteHookCall(pluginType: name, router: router)
        var type = PluginType(name: name, description: description)
        type.configSchema = configSchema ?? [:]
        type.authType = authType
        type.communityPlatformIDKey = communityPlatformIDKey
        type.eventTypes = eventTypes.map(\.eventType)
        type.acceptsUndeclaredEventTypes = acceptsUndeclaredEventTypes
        type.actions = actions.map { action in
            ActionDefinition(
                slug: action.slug, description: action.description, inputSchema: action.inputSchema,
                outputSchema: action.outputSchema, isPublic: action.isPublic
            ) { context, parameters in
                try await call.run(.action(slug: action.slug), context, input: .parameters(parameters))
            }
        }
        type.processes = processes.map { $0.processType(call) }
        if hasInitialize {
            type.initialize = { context in _ = try await call.run(.initialize, context) }
        }
        type.periodicTasks = periodicTasks.map { task in
            PeriodicTask(task.name, every: .seconds(task.intervalSeconds)) { context in
                _ = try await call.run(.periodicTask(name: task.name), context)
            }
        }
        if hasWebhookReceiver {
            type.webhookReceiver = { context, request in
                let value = try await call.run(.webhookReceiver, context, input: .webhook(request))
                if !value.isNull { context.respondToWebhook(value) }
            }
        }
        if hasSignatureVerifier {
            type.webhookSignatureCheck = { context, request in
                let value = try await call.run(.verifySignature, context, input: .webhook(request))
                guard let accepted = value.boolValue else {
                    throw PluginError.internal("the webhook signature check returned \(value.typeName), not a boolean")
                }
                return accepted
            }
        }
        return type
    }
}

extension RemotePluginTypeDefinition.Process {
    /// The process type whose hooks are invocations on the hosts serving its plugin type.
    fileprivate func processType(_ call: RemoteHookCall) -> ProcessType {
        let start: @Sendable (ProcessContext, JSONValue) async throws -> Void = { context, parameters in
            _ = try await call.run(.processStart, context.plugin, process: context.process, input: .parameters(parameters))
        }
        var type = ProcessType(
            name: name, description: description, inputSchema: inputSchema, outcomeSchema: outcomeSchema, start: start)
        if hasClose {
            type.close = { context in _ = try await call.run(.processClose, context.plugin, process: context.process) }
        }
        if hasUpdate {
            type.update = { context in _ = try await call.run(.processUpdate, context.plugin, process: context.process) }
        }
        if hasReceiveWebhook {
            type.receiveWebhook = { context, request in
                _ = try await call.run(.processReceiveWebhook, context.plugin, process: context.process, input: .webhook(request))
            }
        }
        return type
    }
}
