import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

/// `metagov.v1.Communities` on the core.
struct CommunitiesService: Metagov_V1_CommunitiesService {
    let core: Metagov
    let access: CallGuard

    private func message(_ community: Community) async throws -> Metagov_V1_Community {
        Metagov_V1_Community(community, plugins: try await self.core.plugins.list(community: community.slug))
    }

    func createCommunity(_ request: Metagov_V1_CreateCommunityRequest, context: ServerCallContext) async throws
        -> Metagov_V1_Community
    {
        try await self.access.authorize(context, "community.create", community: nil, serverWide: true)
        return try await rpc {
            Metagov_V1_Community(
                try await self.core.communities.create(slug: request.slug.nonEmpty, readableName: request.readableName),
                plugins: [])
        }
    }

    func getCommunity(_ request: Metagov_V1_GetCommunityRequest, context: ServerCallContext) async throws
        -> Metagov_V1_Community
    {
        try Metagov_V1_Community(responseBytes: try await self.encodedCommunity(request, context: context))
    }

    /// `GetCommunity` encoded: a community served from the core's read cache is encoded once and kept with it.
    func encodedCommunity(_ request: Metagov_V1_GetCommunityRequest, context: ServerCallContext) async throws -> [UInt8] {
        try await self.access.authorize(context, "community.get", community: request.slug)
        return try await rpc {
            let found = try await self.core.communities.memoizedDetails(request.slug)
            return found.memo.value(Metagov_V1_Communities.Method.getCommunity) { Metagov_V1_Community(found.value).serializedBytes() }
        }
    }

    func updateCommunity(_ request: Metagov_V1_UpdateCommunityRequest, context: ServerCallContext) async throws
        -> Metagov_V1_Community
    {
        try await self.access.authorize(context, "community.update", community: request.slug)
        return try await rpc { try await self.message(try await self.core.communities.update(request.slug, readableName: request.readableName)) }
    }

    func deleteCommunity(_ request: Metagov_V1_DeleteCommunityRequest, context: ServerCallContext) async throws
        -> Metagov_V1_DeleteCommunityResponse
    {
        try await self.access.authorize(context, "community.delete", community: request.slug)
        return try await rpc {
            let plugins = try await self.core.plugins.list(community: request.slug)
            let deleted = try await self.core.communities.delete(request.slug)
            return Metagov_V1_DeleteCommunityResponse(community: Metagov_V1_Community(deleted, plugins: plugins))
        }
    }

    func listCommunities(_ request: Metagov_V1_ListCommunitiesRequest, context: ServerCallContext) async throws
        -> Metagov_V1_ListCommunitiesResponse
    {
        try Metagov_V1_ListCommunitiesResponse(responseBytes: try await self.encodedCommunities(request, context: context))
    }

    /// `ListCommunities` encoded: a page served from the core's read cache is encoded once and kept with it
    /// (in its memo), so that the calls it serves cost no conversion and no encoding.
    func encodedCommunities(_ request: Metagov_V1_ListCommunitiesRequest, context: ServerCallContext) async throws -> [UInt8] {
        let size = try pageSize(request.pageSize)
        let caller = try await self.access.authorize(context, "community.list", community: nil)
        if let only = self.access.scopedCommunity(caller) {
            // A community token lists its own community only.
            return try await rpc {
                Metagov_V1_ListCommunitiesResponse(
                    communities: request.pageToken.isEmpty ? [Metagov_V1_Community(try await self.core.communities.details(only))] : []
                ).serializedBytes()
            }
        }
        return try await rpc {
            let page = try await self.core.communities.listDetails(pageSize: size, pageToken: request.pageToken.nonEmpty)
            let encode = {
                Metagov_V1_ListCommunitiesResponse(
                    communities: page.items.map(Metagov_V1_Community.init), nextPageToken: page.nextPageToken ?? ""
                ).serializedBytes()
            }
            return page.memo?.value(Metagov_V1_Communities.Method.listCommunities, encode) ?? encode()
        }
    }

    /// Registers the service's methods into `table`, `GetCommunity` and `ListCommunities` answering with the
    /// encodings kept with the core's cached values.
    func registerMethods(into table: inout MethodTable) {
        self.register(into: &table)
        table.register(Metagov_V1_Communities.Method.getCommunity, answeringEncoded: self.encodedCommunity)
        table.register(Metagov_V1_Communities.Method.listCommunities, answeringEncoded: self.encodedCommunities)
    }
}
