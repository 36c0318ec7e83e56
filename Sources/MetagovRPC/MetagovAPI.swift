import MetagovCore
import MetagovGRPC
import MetagovHTTP
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

/// The gRPC API of a `Metagov` core: the `metagov.v1` services (the six for drivers and `PluginHost` for plugin
/// hosts) plus the standard health and reflection services, as a method table for `GRPCServer`.
public struct MetagovAPI: Sendable {
    /// The method table to serve.
    public let methods: MethodTable
    /// The health statuses served by `grpc.health.v1.Health` (set NOT_SERVING when shutting down).
    public let health: HealthStatus
    /// Plain HTTP on the same port: incoming platform webhooks and `/healthz`.
    public let http: any PlainHTTPHandler

    /// - Parameters:
    ///   - requireAuthentication: when false (local development), every caller is an administrator.
    ///   - metrics: `GET /metrics` on the port (Prometheus text), when given.
    ///   - maxMessageSize: the server's message size limit, told to plugin hosts as the largest answer they may
    ///     send.
    public init(
        core: Metagov, requireAuthentication: Bool = true, metrics: MetricsExposition? = nil,
        maxMessageSize: Int = 4 * 1024 * 1024
    ) {
        let access = CallGuard(core: core, enforced: requireAuthentication)
        var table = MethodTable()
        CommunitiesService(core: core, access: access).registerMethods(into: &table)
        PluginsService(core: core, access: access).register(into: &table)
        ActionsService(core: core, access: access).register(into: &table)
        ProcessesService(core: core, access: access).registerMethods(into: &table)
        EventsService(core: core, access: access).register(into: &table)
        IdentityRPCService(core: core, access: access).register(into: &table)
        PluginHostRPCService(
            core: core, access: access, settings: PluginHostSettings(config: core.config, maxMessageSize: maxMessageSize)
        ).register(into: &table)
        let servedServices = Set(table.paths.compactMap { $0.split(separator: "/").first.map(String.init) })
        let health = HealthStatus(services: servedServices.sorted())
        HealthService(health: health, access: access).registerOnLoop(into: &table)
        // Reflection lists every service served, itself included.
        let reflectionPaths = [Grpc_Reflection_V1_ServerReflection.Method.serverReflectionInfo,
                               Grpc_Reflection_V1alpha_ServerReflection.Method.serverReflectionInfo]
        let index = ReflectionIndex(servedPaths: table.paths + reflectionPaths)
        ReflectionV1Service(index: index, access: access).register(into: &table)
        ReflectionV1AlphaService(index: index, access: access).register(into: &table)
        self.methods = table
        self.health = health
        self.http = HTTPRoutes(core: core, health: health, metrics: metrics, access: access)
        self.core = core
    }

    private let core: Metagov

    /// Starts shutting down: health turns NOT_SERVING and plugin hosts are drained (their streams end once
    /// their invocations did), so that only calls in progress hold the server's shutdown grace period.
    public func beginShutdown() {
        health.setAll(.notServing)
        core.pluginHosts.shutdown()
    }
}
