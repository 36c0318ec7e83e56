import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoJSON

/// `metagov.v1.Processes` on the core.
struct ProcessesService: Metagov_V1_ProcessesService {
    let core: Metagov

    func startProcess(_ request: Metagov_V1_StartProcessRequest, context: ServerCallContext) async throws
        -> Metagov_V1_GovernanceProcess
    {
        try await rpc {
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
        try await rpc { Metagov_V1_GovernanceProcess(try self.core.processes.get(request.id)) }
    }

    func closeProcess(_ request: Metagov_V1_CloseProcessRequest, context: ServerCallContext) async throws
        -> Metagov_V1_GovernanceProcess
    {
        try await rpc { Metagov_V1_GovernanceProcess(try await self.core.processes.close(request.id)) }
    }

    func listProcesses(_ request: Metagov_V1_ListProcessesRequest, context: ServerCallContext) async throws
        -> Metagov_V1_ListProcessesResponse
    {
        let size = try pageSize(request.pageSize)
        let status = request.status.domain
        if status == nil && request.status != .unspecified {
            throw GRPCStatus(.invalidArgument, "status: unknown ProcessStatus value \(request.status.rawValue)")
        }
        return try await rpc {
            if let community = request.community.nonEmpty { _ = try self.core.communities.get(community) }
            let filter = ProcessFilter(
                community: request.community.nonEmpty, plugin: request.plugin.nonEmpty, name: request.process.nonEmpty,
                status: status)
            let page = try self.core.processes.list(filter, pageSize: size, pageToken: request.pageToken.nonEmpty)
            return Metagov_V1_ListProcessesResponse(
                processes: page.items.map(Metagov_V1_GovernanceProcess.init), nextPageToken: page.nextPageToken ?? "")
        }
    }

    func watchProcess(
        _ request: Metagov_V1_WatchProcessRequest, responses: ProtoStreamWriter<Metagov_V1_GovernanceProcess>,
        context: ServerCallContext
    ) async throws {
        try await rpc {
            for try await process in self.core.watchProcess(request.id) {
                try await responses.write(Metagov_V1_GovernanceProcess(process))
            }
        }
    }
}
