import Logging
import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC

/// A registered plugin host's stream: hands the host's answers to its session, pings it, and ends the call —
/// OK once the host drained (at its request, or the gateway's when it shuts down), UNAVAILABLE when it stops
/// answering pings, or with the status of a protocol error. Whatever it leaves in flight then fails with UNAVAILABLE (the service closes the session).
struct PluginHostStream: Sendable {
    let session: PluginHostSession
    let responses: ProtoStreamWriter<Metagov_V1_GatewayMessage>
    let settings: PluginHostSettings
    let logger: Logger
    let pings = PingWatch()

    /// Serves until the host drains, half-closes, stops answering pings or breaks the protocol.
    func serve(_ requests: ProtoMessageStream<Metagov_V1_PluginHostMessage>) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.read(requests) }
            group.addTask { try await self.sendPings() }
            group.addTask { try await self.watchPings() }
            group.addTask {
                await self.session.gatewayShutdown()
                await self.session.drain()
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Reads the host's messages until it half-closes, or until it drained after sending Draining.
    private func read(_ requests: ProtoMessageStream<Metagov_V1_PluginHostMessage>) async throws {
        for try await message in requests {
            guard try handle(message) else { continue }
            // Draining: no new invocations; the call ends once those in flight ended, while their results and
            // pongs are still read.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await self.session.drain() }
                group.addTask {
                    // Ends when the host half-closes while draining: nothing more can arrive then.
                    for try await message in requests { _ = try self.handle(message) }
                }
                try await group.next()
                group.cancelAll()
            }
            return
        }
    }

    /// Handles one message of the host; returns whether it was Draining.
    private func handle(_ message: Metagov_V1_PluginHostMessage) throws -> Bool {
        switch message.message {
        case .result(let result):
            receive(result)
        case .pong(let pong):
            pings.answered(pong.nonce)
        case .draining:
            return true
        case .register:
            throw GRPCStatus(.invalidArgument, "Register may only be the first message of a plugin host")
        case nil:
            throw GRPCStatus(.invalidArgument, "a PluginHostMessage without a message")
        }
        return false
    }

    /// Completes the invocation a result answers; a result nobody waits for any more is dropped.
    private func receive(_ result: Metagov_V1_InvocationResult) {
        let accepted: Bool
        do {
            accepted = session.received(result.id, try RemoteOutcome(result))
        } catch {
            let message = (error as? MetagovError)?.message ?? "\(error)"
            accepted = session.rejected(result.id, MetagovError(
                .internal, "plugin host '\(session.hostName)' sent a malformed answer to invocation \(result.id): \(message)"))
        }
        if !accepted {
            logger.debug(
                "dropped a plugin host's answer nobody waits for (unknown id, answered already, or past its deadline)",
                metadata: ["host": "\(session.hostID)", "invocation": "\(result.id)"])
        }
    }

    private func sendPings() async throws {
        while true {
            try await Task.sleep(for: settings.pingInterval)
            let nonce = pings.sending(at: .now)
            try await responses.write(Metagov_V1_GatewayMessage(message: .ping(Metagov_V1_Ping(nonce: nonce))))
        }
    }

    /// Fails the stream when a ping stays unanswered past the timeout (a write blocked on a host that stopped
    /// reading cannot delay this).
    private func watchPings() async throws {
        let check = min(settings.pingTimeout / 4, .milliseconds(250))
        while true {
            try await Task.sleep(for: check)
            if let oldest = pings.oldestUnanswered, ContinuousClock.now - oldest > settings.pingTimeout {
                logger.warning("plugin host stopped answering pings", metadata: ["host": "\(session.hostID)", "name": "\(session.hostName)"])
                throw GRPCStatus(
                    .unavailable, "plugin host '\(session.hostName)' did not answer a ping within \(settings.pingTimeout); closing its stream")
            }
        }
    }
}
