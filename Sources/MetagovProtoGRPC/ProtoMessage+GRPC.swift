import MetagovGRPC
import MetagovProto

extension ProtoMessage {
    /// Decodes a request: malformed bytes are the caller's fault, INVALID_ARGUMENT.
    public init(requestBytes bytes: [UInt8]) throws(GRPCStatus) {
        do {
            try self.init(serializedBytes: bytes)
        } catch {
            throw GRPCStatus(.invalidArgument, "malformed request: \(error.description)")
        }
    }

    /// Decodes a response: malformed bytes mean the server is broken, INTERNAL.
    public init(responseBytes bytes: [UInt8]) throws(GRPCStatus) {
        do {
            try self.init(serializedBytes: bytes)
        } catch {
            throw GRPCStatus(.internal, "malformed response: \(error.description)")
        }
    }
}

extension MethodTable {
    /// Registers (or replaces) the unary method `path` with `answer`, which returns its response already encoded
    /// (a service that keeps encoded answers, instead of the generated handler that encodes a message per call).
    public mutating func register<Request: ProtoMessage>(
        _ path: String, answeringEncoded answer: @escaping @Sendable (Request, ServerCallContext) async throws -> [UInt8]
    ) {
        register(path, .unary { bytes, context in try await answer(try Request(requestBytes: bytes), context) })
    }
}
