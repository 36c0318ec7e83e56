/// What delivering one webhook did.
public struct WebhookDelivery: Sendable, Hashable {
    /// Whether the plugin type's webhook receiver ran.
    public var receiverRan: Bool
    /// Ids of the pending processes whose `receiveWebhook` ran.
    public var processIDs: [Int64]
    /// What the receiver returned for the platform (a plugin host's receiver may answer with a value), if
    /// anything.
    public var response: JSONValue?
}

/// Hands platform webhooks to plugin instances (Metagov's webhook receivers).
public struct WebhookService: Sendable {
    let core: Metagov

    /// Delivers a webhook sent to plugin type `plugin` as a whole: the type reads the instance's
    /// community_platform_id from the request (``PluginType/webhookPlatformID``) and the webhook goes to that
    /// instance. FAILED_PRECONDITION when the type cannot route such webhooks; NOT_FOUND when no instance has
    /// that platform id.
    public func deliver(plugin: String, request: WebhookRequest) async throws -> WebhookDelivery {
        let type = try core.pluginType(plugin)
        guard let route = type.type.webhookPlatformID else {
            throw MetagovError.failedPrecondition(
                "plugin '\(plugin)' cannot route webhooks by itself: send them to /api/hooks/{community}/\(plugin)")
        }
        guard let platformID = route(request) else {
            throw MetagovError.invalidArgument("the webhook does not say which '\(plugin)' instance it is for")
        }
        let instances = try await core.read { try $0.allPlugins() }.filter { $0.name == plugin && $0.communityPlatformID == platformID }
        guard let instance = instances.first else {
            throw MetagovError.notFound("instance of plugin '\(plugin)' with community_platform_id '\(platformID)'")
        }
        return try await deliver(community: instance.community, plugin: plugin, communityPlatformID: platformID, request: request)
    }

    /// Delivers `request` to the addressed instance of `plugin` in `community`: first the signature check
    /// (a bad signature is UNAUTHENTICATED and nothing else runs), then the plugin type's webhook receiver,
    /// then `receiveWebhook` of each of the instance's pending processes whose type has one. Each runs as its
    /// own unit of work. A failing receiver fails the delivery; a failing process is logged and left out of
    /// ``WebhookDelivery/processIDs`` while the others still get the webhook (as in Metagov).
    public func deliver(
        community: String, plugin: String, communityPlatformID: String? = nil, request: WebhookRequest
    ) async throws -> WebhookDelivery {
        let type = try core.pluginType(plugin)
        guard type.receivesWebhooks else {
            throw MetagovError.failedPrecondition("plugin '\(plugin)' does not receive webhooks")
        }
        let instance = try await core.resolveInstance(community: community, name: plugin, communityPlatformID: communityPlatformID)
        try await verify(request, instance, type)
        var delivery = WebhookDelivery(receiverRan: false, processIDs: [])
        if let receiver = type.type.webhookReceiver {
            (delivery.response, _) = try await core.runUnitOfWork(instance: instance, type: type) { context, _ in
                try await receiver(context, request)
                return context.webhookResponse
            }
            delivery.receiverRan = true
        }
        guard type.processes.values.contains(where: { $0.type.receiveWebhook != nil }) else { return delivery }
        let pluginID = instance.id
        let pending = try await core.read {
            try $0.processes(matching: ProcessFilter(pluginID: pluginID, status: .pending), afterID: nil, limit: Int.max)
        }
        for process in pending {
            guard let receive = type.processes[process.name]?.type.receiveWebhook else { continue }
            do {
                _ = try await core.runUnitOfWork(instance: instance, type: type, process: .existing(process.id)) { context, handle in
                    guard let handle, handle.status == .pending else { return }
                    try await receive(ProcessContext(plugin: context, process: handle), request)
                }
                delivery.processIDs.append(process.id)
            } catch {
                core.logger.error(
                    "a process failed to receive a webhook",
                    metadata: ["process": "\(process.id)", "plugin": "\(plugin)", "community": "\(community)", "error": "\(error)"])
            }
        }
        return delivery
    }

    /// The plugin's signature check; UNAUTHENTICATED when it rejects the request. A remote check's effects are
    /// ignored, so it runs outside any unit of work.
    private func verify(_ request: WebhookRequest, _ instance: PluginInstance, _ type: RegisteredPluginType) async throws {
        let accepted: Bool
        if let check = type.type.webhookSignatureCheck {
            do {
                accepted = try await check(core.makeContext(instance, type, attempt: 1), request)
            } catch {
                throw MetagovError.fromPlugin(error, plugin: instance.name)
            }
        } else if let verify = type.type.webhookVerifier {
            accepted = verify(request, instance.config)
        } else {
            return
        }
        guard accepted else {
            throw MetagovError(.unauthenticated, "webhook rejected: bad signature for plugin '\(instance.name)'")
        }
    }
}
