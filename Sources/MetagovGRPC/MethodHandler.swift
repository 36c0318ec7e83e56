import NIOCore
import Synchronization

/// How a method is served. The byte arrays are serialized messages (the transport knows
/// nothing about their encoding).
public enum MethodHandler: Sendable {
    /// One request, one response; runs as a Swift concurrency task (never on the event loop).
    case unary(@Sendable ([UInt8], ServerCallContext) async throws -> [UInt8])
    /// Runs directly on the connection's event loop: must not block. For cheap handlers (health,
    /// cached reads) to save a thread hop. (If the server has interceptors, they are async, so
    /// the call then runs as a task like `.unary`.)
    case unaryOnLoop(@Sendable ([UInt8], ServerCallContext) throws -> [UInt8])
    /// Like `unaryOnLoop` when `onLoop` answers; when it returns nil (say, the call carries credentials that
    /// must be checked against the database), `task` answers instead, as a task like `.unary`.
    case unaryPreferringLoop(
        onLoop: @Sendable ([UInt8], ServerCallContext) throws -> [UInt8]?,
        task: @Sendable ([UInt8], ServerCallContext) async throws -> [UInt8])
    /// One request, a stream of responses written through the `ResponseWriter`.
    case serverStreaming(@Sendable ([UInt8], ResponseWriter, ServerCallContext) async throws -> Void)
    /// A stream of requests, one response.
    case clientStreaming(@Sendable (RequestStream, ServerCallContext) async throws -> [UInt8])
    /// Streams both ways.
    case bidirectional(@Sendable (RequestStream, ResponseWriter, ServerCallContext) async throws -> Void)

    var isUnaryRequest: Bool {
        switch self {
        case .unary, .unaryOnLoop, .unaryPreferringLoop, .serverStreaming: return true
        case .clientStreaming, .bidirectional: return false
        }
    }
}
