import NIOCore
import Synchronization

/// Sends messages on a stream: responses on the server, requests on the client.
///
/// `write` suspends while the stream's outbound queue is above its bound (the peer's HTTP/2
/// flow-control window is exhausted or the socket is slow), so a slow reader never makes the
/// writer buffer without bound. It throws `GRPCStatus(.cancelled)` once the peer cancelled the
/// call, or the call's final status if it already ended.
public struct ResponseWriter: Sendable {
    let sink: any GRPCMessageSink

    init(sink: any GRPCMessageSink) {
        self.sink = sink
    }

    /// Sends one message.
    public func write(_ message: [UInt8]) async throws {
        try await self.sink.writeMessage(message)
    }
}
