import MetagovJSON
import MetagovProto
import MetagovProtoJSON
import Testing

/// JSON text written straight to the wire form of `google.protobuf.Struct` (stored events on their way to a
/// subscriber) decodes to what the `JSONValue` path encodes.
@Suite("JSON text to google.protobuf.Struct")
struct JSONTextStructTests {
    static let texts: [String] = [
        #"{}"#, #"{"a":1}"#, #" { "a" : [ ] , "b" : { } } "#,
        #"{"process_id":1,"voter":"voter-7","option":"b","previous_option":null}"#,
        #"{"n":-0.5,"big":1e300,"int":9007199254740993,"neg":-42,"zero":0,"t":true,"f":false}"#,
        #"{"esc":"line\nbreak \"quoted\" \\ \/ \u00e9 \ud83d\ude00","utf8":"ü世😀","empty":""}"#,
        #"{"deep":{"a":[1,[2,[3,{"b":[null,{"c":"d"}]}]]]}}"#,
        #"{"dup":1,"dup":2}"#,
        #"[1,"two",{"three":3}]"#, #""just a string""#, #"42"#, #"true"#, #"[]"#,
        "{\"long\":\"" + String(repeating: "x", count: 200) + "\",\"longer\":\"" + String(repeating: "é", count: 9000) + "\"}",
        "{\"many\":[" + (0..<300).map { "{\"i\":\($0),\"s\":\"\($0)\"}" }.joined(separator: ",") + "]}",
        "\u{FEFF}{\"bom\":1}",
    ]

    @Test("decodes to the Struct of the parsed JSON", arguments: texts)
    func sameAsParsing(_ text: String) throws {
        let bytes = try #require(try Google_Protobuf_Struct.encoding(wrappingJSONText: Array(text.utf8)))
        let expected = try #require(Google_Protobuf_Struct.wrapping(try JSONValue(parsing: text)))
        // Both read back from the wire (an integer beyond 2^53 is a double there, whichever way it was written).
        #expect(try Google_Protobuf_Struct(serializedBytes: bytes) == Google_Protobuf_Struct(serializedBytes: expected.serializedBytes()))
    }

    @Test("null is no Struct at all")
    func null() throws {
        #expect(try Google_Protobuf_Struct.encoding(wrappingJSONText: Array(" null ".utf8)) == nil)
    }

    @Test("text that is not JSON is refused as parsing refuses it", arguments: [
        #"{"a":}"#, #"{"a":1"#, #"nul"#, #"{"a":"\ud800"}"#, #"[1,]"#, #"{"a":01}"#, "", #"{"a":1} x"#,
    ])
    func refusesWhatParsingRefuses(_ text: String) throws {
        let parsing = #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
        let encoding = #expect(throws: JSONParseError.self) { try Google_Protobuf_Struct.encoding(wrappingJSONText: Array(text.utf8)) }
        #expect(encoding == parsing)
    }

    @Test("validation accepts exactly what parsing accepts")
    func validation() throws {
        for text in Self.texts { try JSONValue.validate(Array(text.utf8)) }
        #expect(throws: JSONParseError.self) { try JSONValue.validate(Array("[1 2]".utf8)) }
        let deep = String(repeating: "[", count: JSONValue.maxNestingDepth + 1) + String(repeating: "]", count: JSONValue.maxNestingDepth + 1)
        #expect(throws: JSONParseError.self) { try JSONValue.validate(Array(deep.utf8)) }
    }
}
