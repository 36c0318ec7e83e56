import NIOCore
import Synchronization

/// The request messages of a client-streaming or bidirectional call.
///
/// Iteration ends when the client half-closes; it throws `GRPCStatus(.cancelled)` if the
/// client cancels, or another status on a protocol error. Messages are buffered up to a bound,
/// beyond which the HTTP/2 flow-control window is not replenished (back-pressure to the client).
public struct RequestStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = any Error

    let queue: InboundMessageQueue

    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = [UInt8]
        public typealias Failure = any Error

        let queue: InboundMessageQueue

        public mutating func next() async throws -> [UInt8]? {
            try await self.queue.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(queue: self.queue)
    }
}
