import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

/// `metagov.v1.Identity` on the core (Metagov's identity API).
struct IdentityRPCService: Metagov_V1_IdentityService {
    let core: Metagov
    let access: CallGuard

    func createId(_ request: Metagov_V1_CreateIdRequest, context: ServerCallContext) async throws
        -> Metagov_V1_CreateIdResponse
    {
        guard request.count >= 0 else { throw GRPCStatus(.invalidArgument, "count must be ≥ 0, got \(request.count)") }
        try await self.access.authorize(context, "identity.create_id", community: request.community)
        return try await rpc {
            Metagov_V1_CreateIdResponse(
                externalIds: try await self.core.identity.createIDs(community: request.community, count: max(1, Int(request.count))))
        }
    }

    func linkAccount(_ request: Metagov_V1_LinkAccountRequest, context: ServerCallContext) async throws
        -> Metagov_V1_LinkedAccount
    {
        guard let account = request.account else { throw GRPCStatus(.invalidArgument, "account is required") }
        try await self.access.authorize(context, "identity.link_account", community: account.community)
        let linkType = try Self.parse(account.linkType, LinkType.self, field: "account.link_type", default: .unknown)
        let linkQuality = try Self.parse(
            account.linkQuality, LinkQuality.self, field: "account.link_quality", default: .unknown)
        return try await rpc {
            Metagov_V1_LinkedAccount(
                try await self.core.identity.linkAccount(
                    LinkedAccount(
                        externalID: account.externalId, community: account.community, platformType: account.platformType,
                        platformIdentifier: account.platformIdentifier,
                        communityPlatformID: account.communityPlatformId.nonEmpty,
                        customData: account.customData.json ?? [:], linkType: linkType, linkQuality: linkQuality)))
        }
    }

    func unlinkAccount(_ request: Metagov_V1_UnlinkAccountRequest, context: ServerCallContext) async throws
        -> Metagov_V1_UnlinkAccountResponse
    {
        try await self.access.authorize(context, "identity.unlink_account", community: request.community)
        return try await rpc {
            try await self.core.identity.unlinkAccount(
                community: request.community, platformType: request.platformType,
                platformIdentifier: request.platformIdentifier, communityPlatformID: request.communityPlatformId.nonEmpty)
            return Metagov_V1_UnlinkAccountResponse()
        }
    }

    func getUser(_ request: Metagov_V1_GetUserRequest, context: ServerCallContext) async throws -> Metagov_V1_User {
        try await self.access.authorize(context, "identity.get_user", community: request.community)
        return try await rpc {
            Metagov_V1_User(try await self.core.identity.getUser(community: request.community, externalID: request.externalId))
        }
    }

    func getUsers(_ request: Metagov_V1_GetUsersRequest, context: ServerCallContext) async throws
        -> Metagov_V1_GetUsersResponse
    {
        try await self.access.authorize(context, "identity.get_users", community: request.community)
        return try await rpc {
            let users = try await self.core.identity.getUsers(
                community: request.community, platformType: request.platformType.nonEmpty,
                communityPlatformID: request.communityPlatformId.nonEmpty)
            return Metagov_V1_GetUsersResponse(users: users.map(Metagov_V1_User.init))
        }
    }

    func filterUsersByAccount(_ request: Metagov_V1_FilterUsersByAccountRequest, context: ServerCallContext) async throws
        -> Metagov_V1_GetUsersResponse
    {
        try await self.access.authorize(context, "identity.filter_users_by_account", community: request.community)
        return try await rpc {
            let users = try await self.core.identity.filterUsersByAccount(
                AccountFilter(
                    community: request.community, platformType: request.platformType.nonEmpty,
                    platformIdentifier: request.platformIdentifier.nonEmpty,
                    communityPlatformID: request.communityPlatformId.nonEmpty))
            return Metagov_V1_GetUsersResponse(users: users.map(Metagov_V1_User.init))
        }
    }

    func getLinkedAccount(_ request: Metagov_V1_GetLinkedAccountRequest, context: ServerCallContext) async throws
        -> Metagov_V1_LinkedAccount
    {
        try await self.access.authorize(context, "identity.get_linked_account", community: request.community)
        return try await rpc {
            Metagov_V1_LinkedAccount(
                try await self.core.identity.getLinkedAccount(
                    community: request.community, externalID: request.externalId, platformType: request.platformType,
                    communityPlatformID: request.communityPlatformId.nonEmpty))
        }
    }

    func mergeIds(_ request: Metagov_V1_MergeIdsRequest, context: ServerCallContext) async throws -> Metagov_V1_User {
        try await self.access.authorize(context, "identity.merge_ids", community: request.community)
        return try await rpc {
            Metagov_V1_User(
                try await self.core.identity.mergeIDs(
                    community: request.community, primaryID: request.primaryId, secondaryID: request.secondaryId))
        }
    }

    private static func parse<Value: RawRepresentable & CaseIterable>(
        _ text: String, _ type: Value.Type, field: String, default: Value
    ) throws(GRPCStatus) -> Value where Value.RawValue == String {
        guard let text = text.nonEmpty else { return `default` }
        guard let value = Value(rawValue: text) else {
            let known = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw GRPCStatus(.invalidArgument, "\(field): '\(text)' is not one of \(known)")
        }
        return value
    }
}
