import Foundation
import MetagovJSON
import MetagovProto

// Free-form JSON travels as google.protobuf.Struct / Value, which hold JSONValue (see MetagovProto's WellKnown):
// integers become doubles on the wire (protobuf's JSON model); a double with an integral value within ±2^53 comes
// back as an integer.

extension Google_Protobuf_Value: JSONRepresentableMessage {}

extension Google_Protobuf_Struct: JSONRepresentableMessage {
    /// The object with `fields` as its members (no conversion).
    public init(fields: JSONObject) {
        self.init(members: fields)
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
    public var json: JSONValue { .object(self.members) }
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
    public var json: JSONValue { .array(self.elements) }
}

/// A message with a JSON form.
public protocol JSONRepresentableMessage {
    /// The message as JSON.
    var json: JSONValue { get }
}

/// Standard base64 of `bytes` (the proto3 JSON form of `bytes` fields).
func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
