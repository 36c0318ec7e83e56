import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC

/// `metagov.v1.PluginHost` on the core: a plugin host's one stream. The host's token is checked, its first
/// message must be `Register` (answered with `Registered` or a status ending the call), then
/// ``PluginHostStream`` serves invocations until the host drains, goes away or stops answering pings.
struct PluginHostRPCService: Metagov_V1_PluginHostService {
    /// The protocol version this gateway speaks.
    static let protocolVersion: UInt32 = 1

    let core: Metagov
    let access: CallGuard
    let settings: PluginHostSettings

    func connect(
        _ requests: ProtoMessageStream<Metagov_V1_PluginHostMessage>,
        responses: ProtoStreamWriter<Metagov_V1_GatewayMessage>, context: ServerCallContext
    ) async throws {
        let allowedTypes = try await self.access.pluginHost(context)
        guard let first = try await self.firstMessage(requests) else {
            throw GRPCStatus(.invalidArgument, "the stream ended before Register")
        }
        guard case .register(let register) = first.message else {
            throw GRPCStatus(.invalidArgument, "the first message of a plugin host must be Register")
        }
        guard register.protocolVersion == Self.protocolVersion else {
            throw GRPCStatus(
                .failedPrecondition,
                "plugin host protocol version \(register.protocolVersion) is not supported (this gateway speaks version \(Self.protocolVersion))")
        }
        let session = try await rpc {
            try await self.core.pluginHosts.connect(
                hostName: register.hostName, definitions: try register.pluginTypes.map(RemotePluginTypeDefinition.init),
                maxInFlight: Int(register.maxInFlight), allowedTypes: allowedTypes, link: StreamLink(responses: responses))
        }
        defer { session.close() }
        try await responses.write(Metagov_V1_GatewayMessage(message: .registered(Metagov_V1_Registered(
            hostId: session.hostID, pluginTypes: session.pluginTypes, maxResultBytes: UInt32(clamping: self.settings.maxResultBytes)))))
        try await PluginHostStream(session: session, responses: responses, settings: self.settings, logger: self.core.logger)
            .serve(requests)
        self.core.logger.info("plugin host drained", metadata: ["host": "\(session.hostID)", "name": "\(session.hostName)"])
    }

    /// The host's first message, which must arrive within the ping timeout (a connection that registers
    /// nothing holds no stream for long).
    private func firstMessage(
        _ requests: ProtoMessageStream<Metagov_V1_PluginHostMessage>
    ) async throws -> Metagov_V1_PluginHostMessage? {
        let timeout = self.settings.pingTimeout
        return try await withThrowingTaskGroup(of: Metagov_V1_PluginHostMessage?.self) { group in
            group.addTask {
                var iterator = requests.makeAsyncIterator()
                return try await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw GRPCStatus(.deadlineExceeded, "no Register within \(timeout) of connecting")
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
