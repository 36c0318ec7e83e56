import MetagovGRPC
import MetagovProto

/// Writes typed messages on a stream: responses on the server, requests on the client.
/// `write` suspends while the peer is not reading (HTTP/2 flow control).
public struct ProtoStreamWriter<Message: ProtoMessage>: Sendable {
    private let writer: ResponseWriter

    public init(_ writer: ResponseWriter) {
        self.writer = writer
    }

    /// Encodes and sends one message.
    public func write(_ message: Message) async throws {
        try await self.writer.write(message.serializedBytes())
    }

    /// Sends one message given as its protobuf encoding (built by other means than `Message`'s encoder).
    public func write(encoded bytes: [UInt8]) async throws {
        try await self.writer.write(bytes)
    }
}

/// The typed request messages of a client-streaming or bidirectional call (server side).
/// A message that does not decode ends the iteration with INVALID_ARGUMENT.
public struct ProtoMessageStream<Message: ProtoMessage>: AsyncSequence, Sendable {
    public typealias Element = Message
    public typealias Failure = any Error

    private let stream: RequestStream

    public init(_ stream: RequestStream) {
        self.stream = stream
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = Message
        public typealias Failure = any Error

        var base: RequestStream.AsyncIterator

        public mutating func next() async throws -> Message? {
            guard let bytes = try await self.base.next(isolation: #isolation) else { return nil }
            return try Message(requestBytes: bytes)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.stream.makeAsyncIterator())
    }
}

/// The typed response messages of a server-streaming or bidirectional call (client side). Ends normally on
/// an OK status, throws the `GRPCStatus` otherwise; dropping it cancels the call.
public struct ProtoResponseStream<Message: ProtoMessage>: AsyncSequence, Sendable {
    public typealias Element = Message
    public typealias Failure = any Error

    private let stream: AsyncThrowingStream<[UInt8], any Error>

    public init(_ stream: AsyncThrowingStream<[UInt8], any Error>) {
        self.stream = stream
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = Message
        public typealias Failure = any Error

        var base: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator

        public mutating func next() async throws -> Message? {
            guard let bytes = try await self.base.next(isolation: #isolation) else { return nil }
            return try Message(responseBytes: bytes)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.stream.makeAsyncIterator())
    }
}
