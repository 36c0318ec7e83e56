import MetagovJSON
import MetagovProto
import Testing

/// `Struct`, `Value` and `ListValue` hold JSON: read from protobuf-c's structs straight into `JSONValue` and
/// written from it, with the message-shaped API (`fields`, `kind`, `values`) on top.
@Suite("google.protobuf.Struct as JSON")
struct StructJSONTests {
    @Test("a JSON object goes to the wire and back as the same JSON, integers as integers")
    func roundTrip() throws {
        let members: JSONObject = [
            "count": 42, "ratio": 2.5, "big": .number(1e300), "name": "ü世😀", "none": nil, "yes": true,
            "list": [1, "two", [3], ["four": 4]], "nested": ["deeper": ["deepest": [nil, false]]],
        ]
        let bytes = Google_Protobuf_Struct(members: members).serializedBytes()
        #expect(try Google_Protobuf_Struct(serializedBytes: bytes).members == members)
    }

    @Test("the message-shaped API encodes to the same bytes as the JSON one")
    func sameBytesEitherWay() throws {
        let viaFields = Google_Protobuf_Struct(fields: [
            "n": Google_Protobuf_Value(kind: .numberValue(7)),
            "l": Google_Protobuf_Value(kind: .listValue(Google_Protobuf_ListValue(values: [Google_Protobuf_Value(kind: .boolValue(true))]))),
            "s": Google_Protobuf_Value(kind: .structValue(Google_Protobuf_Struct(fields: ["x": Google_Protobuf_Value(kind: .nullValue(.nullValue))]))),
        ])
        let viaJSON = Google_Protobuf_Struct(members: ["n": 7, "l": [true], "s": ["x": nil]])
        #expect(viaFields.serializedBytes() == viaJSON.serializedBytes())
        #expect(viaFields == viaJSON)
        #expect(viaJSON.fields["n"]?.kind == .numberValue(7))
        #expect(viaJSON.fields["l"]?.kind == .listValue(Google_Protobuf_ListValue(elements: [true])))
    }

    @Test("a Value without a kind stays one on its own and is null inside a Struct")
    func valueWithoutKind() throws {
        #expect(Google_Protobuf_Value().kind == nil)
        #expect(Google_Protobuf_Value().serializedBytes().isEmpty)
        #expect(Google_Protobuf_Value().json == .null)
        #expect(try Google_Protobuf_Value(serializedBytes: []) == Google_Protobuf_Value())
        // {"k": Value{}}: a map entry with key "k" and an empty Value.
        let bytes: [UInt8] = [0x0A, 0x05, 0x0A, 0x01, 0x6B, 0x12, 0x00]
        #expect(try Google_Protobuf_Struct(serializedBytes: bytes).members == ["k": nil])
    }

    @Test("numbers travel as doubles: an integral one within ±2^53 comes back as an integer")
    func numbers() throws {
        func back(_ value: JSONValue) throws -> JSONValue {
            try Google_Protobuf_Value(serializedBytes: Google_Protobuf_Value(json: value).serializedBytes()).json
        }
        #expect(try back(.number(3.0)) == .integer(3))
        #expect(try back(.integer(-9_007_199_254_740_992)) == .integer(-9_007_199_254_740_992))
        #expect(try back(.number(9_007_199_254_740_994)) == .number(9_007_199_254_740_994))
        #expect(try back(.number(0.5)) == .number(0.5))
    }
}
