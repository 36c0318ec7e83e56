import MetagovGRPC

/// A generated protobuf message: a Swift value type encoded and decoded through protobuf-c.
public protocol ProtoMessage: Sendable, Hashable {
    /// The protoc-c descriptor of the message.
    static var protoDescriptor: ProtoDescriptor { get }
    /// All fields at their defaults.
    init()
    /// Reads every field of a decoded message (generated).
    init(protoReader reader: ProtoReader)
    /// Writes every non-default field into a message being built (generated).
    func write(to writer: inout ProtoWriter)
}

/// Bytes that are not a valid encoding of the expected message.
public struct ProtoDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Full name of the message that was expected, e.g. `metagov.v1.CreateCommunityRequest`.
    public let messageName: String
    /// Length of the rejected input.
    public let byteCount: Int

    public var description: String {
        "cannot decode \(self.messageName) from \(self.byteCount) bytes: not a valid protobuf encoding, or sub-messages nested deeper than \(ProtobufC.maximumNesting)"
    }
}

extension ProtoMessage {
    /// Decodes the protobuf encoding `bytes`.
    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        guard let value = ProtobufC.decode(bytes, descriptor: Self.protoDescriptor, Self.init(protoReader:)) else {
            throw ProtoDecodingError(messageName: Self.protoDescriptor.fullName, byteCount: bytes.count)
        }
        self = value
    }

    /// The protobuf encoding of the message (fields in number order; maps in key order).
    public func serializedBytes() -> [UInt8] {
        ProtobufC.encode(descriptor: Self.protoDescriptor) { writer in self.write(to: &writer) }
    }

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
