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
