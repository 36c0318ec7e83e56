/// A generated protobuf message: a Swift value type encoded and decoded through protobuf-c.
public protocol ProtoMessage: Sendable, Hashable {
    /// All fields at their defaults.
    init()
    /// Decodes the protobuf encoding `bytes`.
    init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError)
    /// The protobuf encoding of the message (fields in number order; maps in key order).
    func serializedBytes() -> [UInt8]
}

/// How generated code reaches the C codec: the protoc-c descriptor and field-by-field reading and writing.
/// Shared inside this package only; users see ``ProtoMessage``.
package protocol ProtoCodable: ProtoMessage {
    /// The protoc-c descriptor of the message.
    static var protoDescriptor: ProtoDescriptor { get }
    /// Reads every field of a decoded message.
    init(protoReader reader: ProtoReader)
    /// Writes every non-default field into a message being built.
    func write(to writer: inout ProtoWriter)
}
