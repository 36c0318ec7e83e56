import MetagovCore
import MetagovProto
import MetagovProtoGRPC

/// Sends invocations on a plugin host's `Connect` stream. Writes from concurrent callers are safe: the
/// transport queues each message whole, and suspends writers while the host does not read (flow control).
struct StreamLink: PluginHostLink {
    let responses: ProtoStreamWriter<Metagov_V1_GatewayMessage>

    func send(id: UInt64, _ invocation: RemoteInvocation, deadlineMilliseconds: UInt64) async throws {
        try await responses.write(Metagov_V1_GatewayMessage(
            message: .invocation(Metagov_V1_Invocation(id: id, invocation, deadlineMilliseconds: deadlineMilliseconds))))
    }
}
