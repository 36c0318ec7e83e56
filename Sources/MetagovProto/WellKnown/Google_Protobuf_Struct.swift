import MetagovJSON

/// `google.protobuf.Struct`: a JSON object, held as one (``members``), so that free-form JSON is converted once
/// between protobuf-c's structs and the core's `JSONValue`, with no message tree in between.
public struct Google_Protobuf_Struct: ProtoMessage, ProtoCodable {
    package static let protoDescriptor = ProtoDescriptor(fullName: "google.protobuf.Struct")

    /// The object's members.
    public var members: JSONObject = [:]

    /// The empty object.
    public init() {}

    /// The object with `members`.
    public init(members: JSONObject) {
        self.members = members
    }

    /// The object whose members are `fields` (a member without a kind is null).
    public init(fields: [String: Google_Protobuf_Value] = [:]) {
        self.members = JSONObject(fields.mapValues(\.json))
    }

    /// `fields` = 1: the members as `Value` messages.
    public var fields: [String: Google_Protobuf_Value] {
        get { members.dictionary.mapValues(Google_Protobuf_Value.init(json:)) }
        set { members = JSONObject(newValue.mapValues(\.json)) }
    }

    /// Decodes the protobuf encoding `bytes`.
    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try ProtobufC.decodeMessage(bytes)
    }

    /// The protobuf encoding (members in key order).
    public func serializedBytes() -> [UInt8] { ProtobufC.encodeMessage(self) }

    package init(protoReader reader: ProtoReader) {
        self.members = JSONObject(reader.entries(0) { entry in (entry.string(0), entry.message(1) { JSONValue(protoValue: $0) } ?? .null) })
    }

    package func write(to writer: inout ProtoWriter) {
        if !self.members.isEmpty {
            writer.setEntries(0, self.members) { writer, member in
                writer.setString(0, member.key)
                writer.setMessage(1, Google_Protobuf_Value(json: member.value))
            }
        }
    }
}
