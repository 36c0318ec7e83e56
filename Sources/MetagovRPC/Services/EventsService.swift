import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoJSON

/// `metagov.v1.Events` on the core.
struct EventsService: Metagov_V1_EventsService {
    let core: Metagov
    let access: CallGuard

    func subscribe(
        _ request: Metagov_V1_SubscribeRequest, responses: ProtoStreamWriter<Metagov_V1_Event>, context: ServerCallContext
    ) async throws {
        guard request.afterCursor <= UInt64(Int64.max) else {
            throw GRPCStatus(.invalidArgument, "after_cursor \(request.afterCursor) is out of range")
        }
        let caller = try await self.access.caller(context)
        let community = request.community.nonEmpty ?? self.access.scopedCommunity(caller)
        try await self.access.authorize(context, "event.subscribe", community: community)
        try await rpc {
            if let community { _ = try self.core.communities.get(community) }
            let filter = EventFilter(
                community: community, sources: Set(request.plugins), eventTypes: Set(request.eventTypes))
            for try await event in self.core.subscribe(filter, afterCursor: Int64(request.afterCursor)) {
                try await responses.write(Metagov_V1_Event(event))
            }
        }
    }
}
