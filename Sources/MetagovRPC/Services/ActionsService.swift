import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

/// `metagov.v1.Actions` on the core.
struct ActionsService: Metagov_V1_ActionsService {
    let core: Metagov
    let access: CallGuard

    func performAction(_ request: Metagov_V1_PerformActionRequest, context: ServerCallContext) async throws
        -> Metagov_V1_PerformActionResponse
    {
        let parameters = request.parameters.json
        try await self.access.authorize(
            context, "\(request.plugin).\(request.action)", community: request.community, data: parameters ?? [:])
        return try await rpc {
            let result = try await self.core.actions.perform(
                community: request.community, plugin: request.plugin, action: request.action,
                parameters: parameters, communityPlatformID: request.communityPlatformId.nonEmpty)
            return Metagov_V1_PerformActionResponse(result: .wrapping(result))
        }
    }
}
