import Foundation
import MetagovCore
import Testing

@Suite struct JSONTextTests {
    // MARK: Parsing

    @Test func parsesEveryKind() throws {
        let value = try JSONValue(parsing: #" {"a": [1, -2.5e3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"], "b": {}} "#)
        #expect(value == ["a": [1, -2500.0, true, false, nil, "x\"\\/\u{08}\u{0C}\n\r\té😀"], "b": [:]])
        #expect(try JSONValue(parsing: "[]") == [])
        #expect(try JSONValue(parsing: "{}") == [:])
        #expect(try JSONValue(parsing: "\"\"") == "")
        #expect(try JSONValue(parsing: " \t\r\n null \t\r\n ") == nil)
        #expect(try JSONValue(parsing: #"{"a":1,"a":2}"#) == ["a": 2], "the last duplicate key wins")
    }

    @Test func parsesBytesDataAndSlices() throws {
        let text = #"{"k": ["v", 1]}"#
        let expected: JSONValue = ["k": ["v", 1]]
        #expect(try JSONValue(parsing: Array(text.utf8)) == expected)
        #expect(try JSONValue(parsing: Data(text.utf8)) == expected)
        #expect(try JSONValue(parsing: Array("xx\(text)yy".utf8).dropFirst(2).dropLast(2)) == expected)
        #expect(try JSONValue(parsing: [0xEF, 0xBB, 0xBF] + Array(text.utf8)) == expected, "a UTF-8 BOM is ignored")
    }

    @Test func integersAndNumbers() throws {
        #expect(try JSONValue(parsing: "0") == .integer(0))
        #expect(try JSONValue(parsing: "-0") == .integer(0))
        #expect(try JSONValue(parsing: "42") == .integer(42))
        #expect(try JSONValue(parsing: "9223372036854775807") == .integer(Int.max))
        #expect(try JSONValue(parsing: "-9223372036854775808") == .integer(Int.min))
        // Beyond Int: a double.
        let big = try JSONValue(parsing: "92233720368547758070")
        guard case .number(let bigValue) = big else { Issue.record("\(big) should be a number"); return }
        #expect(bigValue == 9.223372036854775807e19)
        guard case .number = try JSONValue(parsing: "9223372036854775808") else { Issue.record("Int.max + 1"); return }
        guard case .number = try JSONValue(parsing: "-9223372036854775809") else { Issue.record("Int.min - 1"); return }
        // Fractions and exponents are numbers, even when integral.
        guard case .number(let one) = try JSONValue(parsing: "1.0"), one == 1 else { Issue.record("1.0"); return }
        guard case .number(let thousand) = try JSONValue(parsing: "1e3"), thousand == 1000 else { Issue.record("1e3"); return }
        #expect(try JSONValue(parsing: "1.0").typeName == "integer")
        guard case .number(let negativeZero) = try JSONValue(parsing: "-0.0") else { Issue.record("-0.0"); return }
        #expect(negativeZero == 0 && negativeZero.sign == .minus)
        // Correct rounding, on the fast path and off it.
        let samples = [
            "0.1", "-2.5e-3", "1E+2", "1e-7", "123456789.123456789", "2.2250738585072014e-308", "4.9e-324",
            "1.7976931348623157e308", "3.141592653589793", "0.30000000000000004", "9007199254740993.0", "1e22", "1e23",
            "12345678901234567890e-10", "0.000001", "5e-324",
        ]
        for text in samples {
            let parsed = try JSONValue(parsing: text)
            #expect(parsed.doubleValue == Double(text), "\(text) parsed as \(parsed)")
        }
        #expect(try JSONValue(parsing: "1e-400") == .number(0))
    }

    @Test func escapesAndUnicode() throws {
        #expect(try JSONValue(parsing: #""\u0041\u00DF\u6771\uD834\uDD1E""#) == "Aß東𝄞")
        #expect(try JSONValue(parsing: #""\ud83d\ude00 and \uD83D\uDE00""#) == "😀 and 😀")
        #expect(try JSONValue(parsing: #""\u0000""#) == "\u{0}")
        #expect(try JSONValue(parsing: "\"é日本語🗳️\"") == "é日本語🗳️")
        #expect(try JSONValue(parsing: "\"\u{7F}\"") == "\u{7F}", "DEL needs no escape")
        // Escapes stop neither the string nor the non-ASCII text after them.
        #expect(try JSONValue(parsing: #""a\nb é \"q\" \\""#) == "a\nb é \"q\" \\")
        // Code point identity: no normalisation.
        #expect(try JSONValue(parsing: #""e\u0301""#) != "\u{E9}")
    }

    @Test(arguments: [
        "", " ", "{", "}", "[", "[1,]", "[,1]", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{\"a\":1,}", "{,}", "{a:1}",
        "{'a': 1}", "{\"a\":1 \"b\":2}", "01", "-01", "00", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "1.5.2", "Infinity",
        "NaN", "-Infinity", "1e400", "-1e400", "tru", "true false", "nul", "nulll", "True", "\"\u{01}\"", "\"\t\"",
        "\"line\nbreak\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
        "\"\\ud800x\"", "\"unterminated", "\"\\", "[1] 2", "[1]]", "// comment\n1", "/* c */ 1", "1 // c",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self, "\(text.debugDescription) must not parse") { _ = try JSONValue(parsing: text) }
    }

    @Test func rejectsInvalidUTF8() {
        let invalid: [[UInt8]] = [
            [0x22, 0xFF, 0x22],  // never valid
            [0x22, 0xC3, 0x22],  // truncated sequence
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // beyond U+10FFFF
            [0x22, 0x5C, 0x6E, 0xFF, 0x22],  // after an escape
            [0xC3, 0xA9],  // outside a string
        ]
        for bytes in invalid {
            #expect(throws: JSONParseError.self, "\(bytes)") { _ = try JSONValue(parsing: bytes) }
        }
    }

    @Test func errorsSayWhatAndWhere() throws {
        let error = try #require(throws: JSONParseError.self) { try JSONValue(parsing: "{\n  \"a\": [1, 2,\n  ]\n}") }
        #expect(error.line == 3)
        #expect(error.column == 3)
        #expect(error.offset == 18)
        #expect(error.message == "unexpected ']', expected a value")
        #expect(error.description == "invalid JSON: unexpected ']', expected a value at line 3, column 3 (byte 18)")

        let trailing = try #require(throws: JSONParseError.self) { try JSONValue(parsing: "[1] x") }
        #expect(trailing.message == "unexpected 'x' after the JSON value")
        #expect((trailing.line, trailing.column, trailing.offset) == (1, 5, 4))

        // Columns count characters (Unicode scalars), offsets count bytes.
        let afterAccent = try #require(throws: JSONParseError.self) { try JSONValue(parsing: "[\"é\" 1]") }
        #expect((afterAccent.column, afterAccent.offset) == (6, 6))
        #expect(afterAccent.message == "unexpected '1', expected ',' or ']' after an array element")

        let leadingZero = try #require(throws: JSONParseError.self) { try JSONValue(parsing: "[007]") }
        #expect(leadingZero.message.contains("leading zeros"))
        #expect(leadingZero.offset == 1)

        let control = try #require(throws: JSONParseError.self) { try JSONValue(parsing: "\"a\u{1}\"") }
        #expect(control.message == "unescaped control character U+0001 in string")

        let surrogate = try #require(throws: JSONParseError.self) { try JSONValue(parsing: #"["\uDE00"]"#) }
        #expect(surrogate.message.contains("unpaired low surrogate"))
        #expect(surrogate.offset == 2)

        let end = try #require(throws: JSONParseError.self) { try JSONValue(parsing: "{\"a\": ") }
        #expect(end.message == "unexpected end of input, expected a value")

        let escape = try #require(throws: JSONParseError.self) { try JSONValue(parsing: #""ab\q""#) }
        #expect(escape.message == #"invalid escape sequence '\q' in string"#)
        #expect(escape.offset == 3)
    }

    @Test func limitsNesting() throws {
        let limit = JSONValue.maxNestingDepth
        #expect(limit == 512)
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        _ = try JSONValue(parsing: deepest)
        let objects = String(repeating: #"{"a":"#, count: limit) + "1" + String(repeating: "}", count: limit)
        _ = try JSONValue(parsing: objects)
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        let error = try #require(throws: JSONParseError.self) { try JSONValue(parsing: tooDeep) }
        #expect(error.message.contains("nested deeper than 512"))
        let hostile = String(repeating: "[", count: 1_000_000)
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: hostile) }
        let hostileObjects = String(repeating: #"{"a":"#, count: 100_000)
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: hostileObjects) }
    }

    // MARK: Serializing

    @Test func serializesAndRoundTrips() throws {
        let value: JSONValue = ["z": [1, 2.5, "line\nbreak \u{01}", nil, false], "a": ["nested": [:]], "m": []]
        let text = value.serialized()
        #expect(text == #"{"a":{"nested":{}},"m":[],"z":[1,2.5,"line\nbreak \u0001",null,false]}"#)
        #expect(try JSONValue(parsing: text) == value)
        #expect(try JSONValue(parsing: value.serialized(pretty: true)) == value)
        #expect(try JSONValue(parsing: value.serialized()) == value)
        #expect(value.description == text)
        #expect(String(decoding: value.serializedBytes(), as: UTF8.self) == text)
    }

    @Test func prettyPrints() {
        let value: JSONValue = ["b": [1, ["c": true]], "a": [], "d": [:]]
        #expect(value.serialized(pretty: true) == """
            {
              "a": [],
              "b": [
                1,
                {
                  "c": true
                }
              ],
              "d": {}
            }
            """)
    }

    @Test func escapesStrings() throws {
        let value = JSONValue.string("q\" b\\ / \u{0}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F} é 😀 \u{2028}")
        let text = value.serialized()
        #expect(text == #""q\" b\\ / \u0000\b\t\n\f\r\u001f é 😀 \#u{2028}""#)
        #expect(try JSONValue(parsing: text) == value)
        #expect(JSONValue.object(["k\"\n": 1]).serialized() == #"{"k\"\n":1}"#)
    }

    @Test func writesNumbersThatRoundTrip() throws {
        #expect(JSONValue.number(3.0).serialized() == "3.0")
        #expect(JSONValue.number(-0.0).serialized() == "-0.0")
        #expect(JSONValue.number(0.1).serialized() == "0.1")
        #expect(JSONValue.number(1e300).serialized() == "1e+300")
        #expect(JSONValue.integer(Int.min).serialized() == "-9223372036854775808")
        #expect(JSONValue.integer(0).serialized() == "0")
        #expect(JSONValue.number(.infinity).serialized() == "null")
        #expect(JSONValue.number(-.infinity).serialized() == "null")
        #expect(JSONValue.number(.nan).serialized() == "null")
        #expect(JSONValue.array([.number(.nan), 1]).serialized() == "[null,1]")
        let doubles: [Double] = [
            0.1, 1.0 / 3.0, -2.5e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123_456_789.123_456_79, 1e15, 1e16,
            9007199254740992, 0x1p60 + 0x1p8,
            -1234.5, 2.0, 1e-7,
        ]
        for double in doubles {
            let parsed = try JSONValue(parsing: JSONValue.number(double).serialized())
            guard case .number(let back) = parsed else {
                Issue.record("\(double) read back as \(parsed)")
                continue
            }
            #expect(back == double && back.sign == double.sign)
        }
        for integer in [0, 1, -1, 42, Int.max, Int.min, 1 << 53 + 1] {
            #expect(try JSONValue(parsing: JSONValue.integer(integer).serialized()) == .integer(integer))
            guard case .integer = try JSONValue(parsing: JSONValue.integer(integer).serialized()) else {
                Issue.record("\(integer) did not stay an integer")
                continue
            }
        }
    }

    // MARK: Codable

    struct Envelope: Codable, Equatable {
        var name: String
        var payload: JSONValue
        var extra: JSONValue?
    }

    @Test func codableRoundTrips() throws {
        let payload: JSONValue = ["n": nil, "b": true, "i": 7, "d": 2.5, "s": "x", "a": [1, "two", [3]], "o": ["k": [:]]]
        let envelope = Envelope(name: "e", payload: payload, extra: nil)
        let data = try JSONEncoder().encode(envelope)
        let decoded = try JSONDecoder().decode(Envelope.self, from: data)
        #expect(decoded == envelope)
        guard case .integer = decoded.payload["i"], case .number = decoded.payload["d"], case .bool = decoded.payload["b"] else {
            Issue.record("types changed: \(decoded.payload)")
            return
        }
        // What JSONEncoder writes is what the parser reads.
        #expect(try JSONValue(parsing: data) == ["name": "e", "payload": payload])
        let fromText = try JSONDecoder().decode(JSONValue.self, from: Data(#"[true, 1, 1.5, "s", null, {"a": []}]"#.utf8))
        #expect(fromText == [true, 1, 1.5, "s", nil, ["a": []]])
        guard case .array(let items) = fromText, case .bool = items[0], case .integer = items[1] else {
            Issue.record("booleans and integers must keep their types: \(fromText)")
            return
        }
    }

    @Test func codableWritesNonFiniteNumbersAsNull() throws {
        let data = try JSONEncoder().encode(JSONValue.array([.number(.nan), .number(.infinity), 1]))
        #expect(String(decoding: data, as: UTF8.self) == "[null,null,1]")
    }

    // MARK: Equality

    @Test func equalityIsNumericAndByCodePoint() {
        #expect(JSONValue.integer(1) == .number(1.0))
        #expect(JSONValue.bool(true) != .integer(1))
        #expect(JSONValue.string("\u{e9}") != .string("e\u{301}"))
    }
}
