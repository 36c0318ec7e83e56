import MetagovCore
import Testing

@Suite struct JSONTextTests {
    @Test func parsesEveryKind() throws {
        let value = try JSONValue(parsing: #" {"a": [1, -2.5e3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"], "b": {}} "#)
        #expect(value == ["a": [1, -2500.0, true, false, nil, "x\"\\/\u{08}\u{0C}\n\r\té😀"], "b": [:]])
        #expect(try JSONValue(parsing: "9223372036854775807") == .integer(Int.max))
        #expect(try JSONValue(parsing: "92233720368547758070") == .number(9.223372036854775807e19))
        #expect(try JSONValue(parsing: "1.0").typeName == "integer")
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"\u{01}\"", "\"\\x\"", "\"\\ud800\"", "[1] 2", "{'a': 1}", "NaN"])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: text) }
    }

    @Test func limitsNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        _ = try JSONValue(parsing: fine)
    }

    @Test func serializesAndRoundTrips() throws {
        let value: JSONValue = ["z": [1, 2.5, "line\nbreak \u{01}", nil, false], "a": ["nested": [:]], "m": []]
        let text = value.serialized()
        #expect(text == #"{"a":{"nested":{}},"m":[],"z":[1,2.5,"line\nbreak \u0001",null,false]}"#)
        #expect(try JSONValue(parsing: text) == value)
        #expect(try JSONValue(parsing: value.serialized(pretty: true)) == value)
        #expect(JSONValue.number(.infinity).serialized() == "null")
        #expect(JSONValue.number(3.0).serialized() == "3.0")
    }

    @Test func equalityIsNumericAndByCodePoint() {
        #expect(JSONValue.integer(1) == .number(1.0))
        #expect(JSONValue.bool(true) != .integer(1))
        #expect(JSONValue.string("\u{e9}") != .string("e\u{301}"))
    }
}
