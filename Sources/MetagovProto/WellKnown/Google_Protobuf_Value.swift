import MetagovJSON

/// `google.protobuf.Value`: one JSON value, held as one (``json``); see ``Google_Protobuf_Struct``.
///
/// Numbers travel as doubles; a number read from the wire with an integral value within ±2^53 is an integer.
/// A value whose kind is not set (which JSON cannot say) is kept as such on its own and reads as null; inside a
/// `Struct` or `ListValue` it becomes null.
public struct Google_Protobuf_Value: ProtoMessage, ProtoCodable {
    package static let protoDescriptor = ProtoDescriptor(fullName: "google.protobuf.Value")

    /// The value; nil when no kind is set.
    private var value: JSONValue?

    /// No kind set.
    public init() {}

    /// The protobuf form of a JSON value (no conversion: the value is held as it is).
    public init(json: JSONValue) {
        self.value = json
    }

    /// The value of kind `kind`.
    public init(kind: Kind? = nil) {
        self.kind = kind
    }

    /// The JSON value (null when no kind is set).
    public var json: JSONValue { value ?? .null }

    /// The fields of the `kind` oneof.
    public enum Kind: Hashable, Sendable {
        /// `null_value` = 1
        case nullValue(Google_Protobuf_NullValue)
        /// `number_value` = 2
        case numberValue(Double)
        /// `string_value` = 3
        case stringValue(String)
        /// `bool_value` = 4
        case boolValue(Bool)
        /// `struct_value` = 5
        indirect case structValue(Google_Protobuf_Struct)
        /// `list_value` = 6
        indirect case listValue(Google_Protobuf_ListValue)
    }

    /// The `kind` oneof: at most one of its fields is set.
    public var kind: Kind? {
        get {
            switch value {
            case nil: return nil
            case .null?: return .nullValue(.nullValue)
            case .bool(let flag)?: return .boolValue(flag)
            case .integer(let number)?: return .numberValue(Double(number))
            case .number(let number)?: return .numberValue(number)
            case .string(let text)?: return .stringValue(text)
            case .array(let elements)?: return .listValue(Google_Protobuf_ListValue(elements: elements))
            case .object(let members)?: return .structValue(Google_Protobuf_Struct(members: members))
            }
        }
        set {
            switch newValue {
            case nil: value = Optional.none
            case .nullValue?: value = .null
            case .boolValue(let flag)?: value = .bool(flag)
            case .numberValue(let number)?: value = JSONValue(wireNumber: number)
            case .stringValue(let text)?: value = .string(text)
            case .structValue(let object)?: value = .object(object.members)
            case .listValue(let list)?: value = .array(list.elements)
            }
        }
    }

    /// Decodes the protobuf encoding `bytes`.
    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try ProtobufC.decodeMessage(bytes)
    }

    /// The protobuf encoding.
    public func serializedBytes() -> [UInt8] { ProtobufC.encodeMessage(self) }

    package init(protoReader reader: ProtoReader) {
        // (JSONValue is a nil literal too: no `? nil :` here, which would read as null.)
        if reader.oneofCase(0) != 0 { self.value = JSONValue(protoValue: reader) }
    }

    package func write(to writer: inout ProtoWriter) {
        guard let value else { return }
        switch value {
        case .null:
            writer.setOneofCase(0)
            writer.setEnumValue(0, Google_Protobuf_NullValue.nullValue.rawValue)
        case .integer(let number):
            writer.setOneofCase(1)
            writer.setDouble(1, Double(number))
        case .number(let number):
            writer.setOneofCase(1)
            writer.setDouble(1, number)
        case .string(let text):
            writer.setOneofCase(2)
            writer.setString(2, text)
        case .bool(let flag):
            writer.setOneofCase(3)
            writer.setBool(3, flag)
        case .object(let members):
            writer.setOneofCase(4)
            writer.setMessage(4, Google_Protobuf_Struct(members: members))
        case .array(let elements):
            writer.setOneofCase(5)
            writer.setMessage(5, Google_Protobuf_ListValue(elements: elements))
        }
    }
}

extension JSONValue {
    /// The JSON value of a `google.protobuf.Value` being read (null when no kind is set).
    init(protoValue reader: ProtoReader) {
        switch reader.oneofCase(0) {
        case 2: self = JSONValue(wireNumber: reader.double(1))
        case 3: self = .string(reader.string(2))
        case 4: self = .bool(reader.bool(3))
        case 5: self = .object(reader.message(4) { Google_Protobuf_Struct(protoReader: $0).members } ?? [:])
        case 6: self = .array(reader.message(5) { Google_Protobuf_ListValue(protoReader: $0).elements } ?? [])
        default: self = .null
        }
    }

    /// A number as protobuf carries it (a double): an integer when its value is integral within ±2^53.
    init(wireNumber number: Double) {
        if number.rounded() == number, abs(number) <= 9_007_199_254_740_992 {
            self = .integer(Int(number))
        } else {
            self = .number(number)
        }
    }
}
