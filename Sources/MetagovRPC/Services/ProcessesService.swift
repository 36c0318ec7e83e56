import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

/// `metagov.v1.Processes` on the core.
struct ProcessesService: Metagov_V1_ProcessesService {
    let core: Metagov
    let access: CallGuard

    /// Authorises `action` on process `id`: the caller must be allowed at all before learning whether the
    /// process exists, and a community token sees only its community's processes.
    private func authorizedProcess(_ context: ServerCallContext, _ action: String, _ id: Int64) async throws
        -> Memoized<GovernanceProcess>
    {
        let caller = try await self.access.caller(context)
        if caller.isAnonymous { try await self.access.authorize(context, action, community: nil) }
        let found = try await rpc { try await self.core.processes.memoizedGet(id) }
        try await self.access.authorize(context, action, community: found.value.community)
        return found
    }

    func startProcess(_ request: Metagov_V1_StartProcessRequest, context: ServerCallContext) async throws
        -> Metagov_V1_GovernanceProcess
    {
        try await self.access.authorize(
            context, "process.start", community: request.community, data: request.parameters.json ?? [:])
        return try await rpc {
            Metagov_V1_GovernanceProcess(
                try await self.core.processes.start(
                    community: request.community, plugin: request.plugin, process: request.process,
                    parameters: request.parameters.json, callbackURL: request.callbackUrl.nonEmpty,
                    communityPlatformID: request.communityPlatformId.nonEmpty))
        }
    }

    func getProcess(_ request: Metagov_V1_GetProcessRequest, context: ServerCallContext) async throws
        -> Metagov_V1_GovernanceProcess
    {
        try Metagov_V1_GovernanceProcess(responseBytes: try await self.encodedProcess(request, context: context))
    }

    /// `GetProcess` encoded: a process served from the core's read cache is encoded once and kept with it.
    func encodedProcess(_ request: Metagov_V1_GetProcessRequest, context: ServerCallContext) async throws -> [UInt8] {
        let found = try await self.authorizedProcess(context, "process.get", request.id)
        return found.memo.value(Metagov_V1_Processes.Method.getProcess) { Metagov_V1_GovernanceProcess(found.value).serializedBytes() }
    }

    /// Registers the service's methods into `table`, `GetProcess` answering with the encoding kept with the
    /// core's cached process.
    func registerMethods(into table: inout MethodTable) {
        self.register(into: &table)
        table.register(Metagov_V1_Processes.Method.getProcess, answeringEncoded: self.encodedProcess)
    }

    func closeProcess(_ request: Metagov_V1_CloseProcessRequest, context: ServerCallContext) async throws
        -> Metagov_V1_GovernanceProcess
    {
        _ = try await self.authorizedProcess(context, "process.close", request.id)
        return try await rpc { Metagov_V1_GovernanceProcess(try await self.core.processes.close(request.id)) }
    }

    func listProcesses(_ request: Metagov_V1_ListProcessesRequest, context: ServerCallContext) async throws
        -> Metagov_V1_ListProcessesResponse
    {
        let size = try pageSize(request.pageSize)
        let status = request.status.domain
        if status == nil && request.status != .unspecified {
            throw GRPCStatus(.invalidArgument, "status: unknown ProcessStatus value \(request.status.rawValue)")
        }
        let caller = try await self.access.caller(context)
        let community = request.community.nonEmpty ?? self.access.scopedCommunity(caller)
        try await self.access.authorize(context, "process.list", community: community)
        return try await rpc {
            if let community { _ = try await self.core.communities.get(community) }
            let filter = ProcessFilter(
                community: community, plugin: request.plugin.nonEmpty, name: request.process.nonEmpty,
                status: status)
            let page = try await self.core.processes.list(filter, pageSize: size, pageToken: request.pageToken.nonEmpty)
            return Metagov_V1_ListProcessesResponse(
                processes: page.items.map(Metagov_V1_GovernanceProcess.init), nextPageToken: page.nextPageToken ?? "")
        }
    }

    func watchProcess(
        _ request: Metagov_V1_WatchProcessRequest, responses: ProtoStreamWriter<Metagov_V1_GovernanceProcess>,
        context: ServerCallContext
    ) async throws {
        _ = try await self.authorizedProcess(context, "process.watch", request.id)
        try await rpc {
            for try await process in self.core.watchProcess(request.id) {
                try await responses.write(Metagov_V1_GovernanceProcess(process))
            }
        }
    }
}
