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
