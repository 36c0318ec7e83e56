import MetagovJSON

/// `google.protobuf.ListValue`: a JSON array, held as one (``elements``); see ``Google_Protobuf_Struct``.
public struct Google_Protobuf_ListValue: ProtoMessage, ProtoCodable {
    package static let protoDescriptor = ProtoDescriptor(fullName: "google.protobuf.ListValue")

    /// The array's elements.
    public var elements: [JSONValue] = []

    /// The empty array.
    public init() {}

    /// The array of `elements`.
    public init(elements: [JSONValue]) {
        self.elements = elements
    }

    /// The array of `values` (a value without a kind is null).
    public init(values: [Google_Protobuf_Value] = []) {
        self.elements = values.map(\.json)
    }

    /// `values` = 1: the elements as `Value` messages.
    public var values: [Google_Protobuf_Value] {
        get { elements.map(Google_Protobuf_Value.init(json:)) }
        set { elements = newValue.map(\.json) }
    }

    /// Decodes the protobuf encoding `bytes`.
    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try ProtobufC.decodeMessage(bytes)
    }

    /// The protobuf encoding.
    public func serializedBytes() -> [UInt8] { ProtobufC.encodeMessage(self) }

    package init(protoReader reader: ProtoReader) {
        self.elements = reader.repeatedMessages(0) { JSONValue(protoValue: $0) }
    }

    package func write(to writer: inout ProtoWriter) {
        if !self.elements.isEmpty {
            writer.setRepeatedMessages(0, self.elements.map(Google_Protobuf_Value.init(json:)))
        }
    }
}
