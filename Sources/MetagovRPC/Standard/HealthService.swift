import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON
import Synchronization

/// Serving status of the server ("") and of each service, for `grpc.health.v1.Health`.
public final class HealthStatus: Sendable {
    public typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

    private struct State {
        var statuses: [String: Status] = [:]
        var watchers: [Int: AsyncStream<Void>.Continuation] = [:]
        var nextWatcher = 0
    }

    private let state: Mutex<State>

    /// Every name in `services` (and "" for the whole server) starts as SERVING.
    public init(services: [String]) {
        var state = State()
        for name in services + [""] { state.statuses[name] = .serving }
        self.state = Mutex(state)
    }

    /// The status of `service`, or nil when the server does not know it.
    public func status(of service: String) -> Status? {
        self.state.withLock { $0.statuses[service] }
    }

    /// Sets the status of every service (e.g. NOT_SERVING when shutting down) and wakes watchers.
    public func setAll(_ status: Status) {
        let watchers = self.state.withLock { state in
            for key in state.statuses.keys { state.statuses[key] = status }
            return Array(state.watchers.values)
        }
        for watcher in watchers { watcher.yield() }
    }

    /// A stream that yields whenever a status changes; ends when the consuming task is cancelled.
    func changes() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = self.state.withLock { state in
            state.nextWatcher += 1
            state.watchers[state.nextWatcher] = continuation
            return state.nextWatcher
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }
}

/// `grpc.health.v1.Health`: Check answers on the event loop (no thread hop) when the call carries no
/// metadata; with metadata (credentials) it is answered as a task, after the credentials are checked: health
/// needs no token, but a token that is present and bad is refused (UNAUTHENTICATED). Watch streams changes.
struct HealthService: Grpc_Health_V1_HealthService {
    let health: HealthStatus
    let access: CallGuard

    func check(_ request: Grpc_Health_V1_HealthCheckRequest) throws(GRPCStatus) -> Grpc_Health_V1_HealthCheckResponse {
        guard let status = self.health.status(of: request.service) else {
            throw GRPCStatus(.notFound, "unknown service '\(request.service)'")
        }
        return Grpc_Health_V1_HealthCheckResponse(status: status)
    }

    func check(_ request: Grpc_Health_V1_HealthCheckRequest, context: ServerCallContext) async throws
        -> Grpc_Health_V1_HealthCheckResponse
    {
        try await self.access.refuseBadCredentials(context)
        return try self.check(request)
    }

    func watch(
        _ request: Grpc_Health_V1_HealthCheckRequest, responses: ProtoStreamWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerCallContext
    ) async throws {
        try await self.access.refuseBadCredentials(context)
        let changes = self.health.changes()
        var last: HealthStatus.Status?
        var iterator = changes.makeAsyncIterator()
        repeat {
            let current = self.health.status(of: request.service) ?? .serviceUnknown
            if current != last {
                try await responses.write(Grpc_Health_V1_HealthCheckResponse(status: current))
                last = current
            }
        } while await iterator.next() != nil
    }

    /// Registers the service, with Check running on the event loop when the call has no metadata.
    func registerOnLoop(into table: inout MethodTable) {
        self.register(into: &table)
        table.register(
            Grpc_Health_V1_Health.Method.check,
            .unaryPreferringLoop(
                onLoop: { bytes, context in
                    guard context.metadata.isEmpty else { return nil }
                    return try self.check(try Grpc_Health_V1_HealthCheckRequest(requestBytes: bytes)).serializedBytes()
                },
                task: { bytes, context in
                    try await self.check(try Grpc_Health_V1_HealthCheckRequest(requestBytes: bytes), context: context)
                        .serializedBytes()
                }))
    }
}
