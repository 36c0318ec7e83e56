import Foundation
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

/// A plugin host written in the test with the raw gRPC client: it sends exactly the bytes the test says,
/// so it can misbehave (malformed, oversized or unknown-id answers, silence).
final class RawPluginHost: @unchecked Sendable {
    private let outbound: AsyncStream<[UInt8]>.Continuation
    private var responses: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator

    init(_ connection: GRPCClient, token: String? = nil) {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        self.outbound = continuation
        var options = GRPCCallOptions()
        options.timeout = remoteCallTimeout
        if let token { options.metadata.add("authorization", "Bearer \(token)") }
        self.responses = connection.bidirectional(Metagov_V1_PluginHost.Method.connect, options: options) { writer in
            for await bytes in stream { try await writer.write(bytes) }
        }.makeAsyncIterator()
    }

    /// A definition with one action, `echo`, and no schemas.
    static func definition(_ name: String = "hostile") -> Metagov_V1_PluginTypeDefinition {
        Metagov_V1_PluginTypeDefinition(
            name: name, description: "Misbehaves", authType: "none",
            actions: [Metagov_V1_ActionDefinition(slug: "echo", description: "Answers")])
    }

    func send(_ message: Metagov_V1_PluginHostMessage.Message) {
        outbound.yield(Metagov_V1_PluginHostMessage(message: message).serializedBytes())
    }

    func sendBytes(_ bytes: [UInt8]) { outbound.yield(bytes) }

    /// Registers `types`; returns the gateway's first answer (Registered), or throws the status ending the call.
    @discardableResult
    func register(_ types: [Metagov_V1_PluginTypeDefinition] = [definition()], version: UInt32 = 1, maxInFlight: UInt32 = 4)
        async throws -> Metagov_V1_Registered?
    {
        send(.register(Metagov_V1_Register(protocolVersion: version, pluginTypes: types, maxInFlight: maxInFlight, hostName: "raw")))
        guard case .registered(let registered)? = try await next()?.message else { return nil }
        return registered
    }

    /// The gateway's next message (pings included); `nil` when the call ended OK; throws its status otherwise.
    func next() async throws -> Metagov_V1_GatewayMessage? {
        guard let bytes = try await responses.next() else { return nil }
        return try Metagov_V1_GatewayMessage(serializedBytes: bytes)
    }

    /// The next invocation, answering pings on the way.
    func nextInvocation() async throws -> Metagov_V1_Invocation? {
        while let message = try await next() {
            switch message.message {
            case .invocation(let invocation): return invocation
            case .ping(let ping): send(.pong(Metagov_V1_Pong(nonce: ping.nonce)))
            default: continue
            }
        }
        return nil
    }

    /// Ends the host's side of the stream.
    func finish() { outbound.finish() }
}
