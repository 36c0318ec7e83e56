import Foundation
import MetagovJSON
import MetagovProto

// Free-form JSON travels as google.protobuf.Struct / Value. Integers become doubles on the wire (protobuf's
// JSON model); a double with an integral value within ±2^53 comes back as an integer.

extension Google_Protobuf_Value: JSONRepresentableMessage {
    /// The protobuf form of a JSON value.
    public init(json: JSONValue) {
        switch json {
        case .null: self.init(kind: .nullValue(.nullValue))
        case .bool(let value): self.init(kind: .boolValue(value))
        case .integer(let value): self.init(kind: .numberValue(Double(value)))
        case .number(let value): self.init(kind: .numberValue(value))
        case .string(let value): self.init(kind: .stringValue(value))
        case .array(let values): self.init(kind: .listValue(.init(values: values.map(Google_Protobuf_Value.init(json:)))))
        case .object(let fields): self.init(kind: .structValue(Google_Protobuf_Struct(fields: fields)))
        }
    }

    /// The JSON value (an unset kind is null).
    public var json: JSONValue {
        switch self.kind {
        case nil, .nullValue: return .null
        case .boolValue(let value): return .bool(value)
        case .numberValue(let value):
            if value.rounded() == value, abs(value) <= 9_007_199_254_740_992 { return .integer(Int(value)) }
            return .number(value)
        case .stringValue(let value): return .string(value)
        case .listValue(let list): return .array(list.values.map(\.json))
        case .structValue(let object): return object.json
        }
    }
}

extension Google_Protobuf_Struct: JSONRepresentableMessage {
    public init(fields: [String: JSONValue]) {
        self.init(fields: fields.mapValues(Google_Protobuf_Value.init(json:)))
    }

    /// The protobuf form of a JSON document: an object as is, null as nothing, anything else wrapped as
    /// `{"value": ...}` (a Struct is always an object).
    public static func wrapping(_ json: JSONValue?) -> Google_Protobuf_Struct? {
        switch json {
        case nil, .null?: return nil
        case .object(let fields)?: return Google_Protobuf_Struct(fields: fields)
        case let other?: return Google_Protobuf_Struct(fields: ["value": other])
        }
    }

    /// The JSON object.
    public var json: JSONValue { .object(self.fields.mapValues(\.json)) }
}

extension Optional where Wrapped == Google_Protobuf_Struct {
    /// The JSON object, or nil when the field was not sent.
    public var json: JSONValue? { self.map(\.json) }
}

extension String {
    /// nil for the empty string: proto3 cannot tell "unset" from "".
    public var nonEmpty: String? { self.isEmpty ? nil : self }
}

extension Google_Protobuf_ListValue: JSONRepresentableMessage {
    /// The JSON array.
    public var json: JSONValue { .array(self.values.map(\.json)) }
}

/// A message with a JSON form.
public protocol JSONRepresentableMessage {
    /// The message as JSON.
    var json: JSONValue { get }
}

/// Standard base64 of `bytes` (the proto3 JSON form of `bytes` fields).
func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
