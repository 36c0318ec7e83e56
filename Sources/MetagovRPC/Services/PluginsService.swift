import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

/// `metagov.v1.Plugins` on the core.
struct PluginsService: Metagov_V1_PluginsService {
    let core: Metagov
    let access: CallGuard

    func listPluginTypes(_ request: Metagov_V1_ListPluginTypesRequest, context: ServerCallContext) async throws
        -> Metagov_V1_ListPluginTypesResponse
    {
        try await self.access.authorize(context, "plugin.list_types", community: nil)
        return Metagov_V1_ListPluginTypesResponse(types: self.core.plugins.types().map(Metagov_V1_PluginType.init))
    }

    func enablePlugin(_ request: Metagov_V1_EnablePluginRequest, context: ServerCallContext) async throws
        -> Metagov_V1_PluginInstance
    {
        try await self.access.authorize(context, "plugin.enable", community: request.community)
        return try await rpc {
            Metagov_V1_PluginInstance(
                try await self.core.plugins.enable(community: request.community, name: request.name, config: request.config.json))
        }
    }

    func disablePlugin(_ request: Metagov_V1_DisablePluginRequest, context: ServerCallContext) async throws
        -> Metagov_V1_DisablePluginResponse
    {
        try await self.access.authorize(context, "plugin.disable", community: request.community)
        return try await rpc {
            let disabled = try await self.core.plugins.disable(
                community: request.community, name: request.name,
                communityPlatformID: request.communityPlatformId.nonEmpty, id: request.id == 0 ? nil : request.id)
            return Metagov_V1_DisablePluginResponse(plugin: Metagov_V1_PluginInstance(disabled))
        }
    }

    func listPlugins(_ request: Metagov_V1_ListPluginsRequest, context: ServerCallContext) async throws
        -> Metagov_V1_ListPluginsResponse
    {
        try await self.access.authorize(context, "plugin.list", community: request.community)
        return try await rpc {
            Metagov_V1_ListPluginsResponse(
                plugins: try await self.core.plugins.list(community: request.community).map(Metagov_V1_PluginInstance.init))
        }
    }
}

extension PluginsService {
    func deliverWebhook(_ request: Metagov_V1_DeliverWebhookRequest, context: ServerCallContext) async throws
        -> Metagov_V1_DeliverWebhookResponse
    {
        try await self.access.authorize(context, "plugin.deliver_webhook", community: request.community)
        return try await rpc {
            let delivered = try await self.core.webhooks.deliver(
                community: request.community, plugin: request.plugin,
                communityPlatformID: request.communityPlatformId.nonEmpty,
                request: WebhookRequest(
                    method: "POST", path: "/api/hooks/\(request.community)/\(request.plugin)",
                    headers: request.headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) },
                    body: request.body))
            return Metagov_V1_DeliverWebhookResponse(receiverRan: delivered.receiverRan, processIds: delivered.processIDs)
        }
    }
}
