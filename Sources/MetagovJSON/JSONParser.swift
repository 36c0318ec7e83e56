/// A malformed JSON text: what is wrong and where.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, e.g. "expected ',' or '}' after an object member, found ']'".
    public var message: String
    /// Byte offset of the problem in the UTF-8 input (0-based).
    public var offset: Int
    /// Line of the problem (1-based; lines end at line feeds).
    public var line: Int
    /// Column of the problem in Unicode scalars from the start of its line (1-based).
    public var column: Int

    /// An error with its location.
    public init(message: String, offset: Int, line: Int, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// E.g. "invalid JSON: unexpected end of input at line 3, column 7 (byte 42)".
    public var description: String { "invalid JSON: \(message) at line \(line), column \(column) (byte \(offset))" }
}

extension JSONValue {
    /// Deepest nesting of arrays and objects the parser accepts, so hostile input cannot exhaust the stack.
    public static let maxNestingDepth = 512

    /// Parses a JSON text (RFC 8259, strict).
    ///
    /// Integers that fit `Int` become ``integer(_:)``; other numbers (fractions, exponents, larger integers)
    /// become ``number(_:)``. Duplicate object keys keep the last value. A leading UTF-8 byte order mark is
    /// ignored. Throws ``JSONParseError`` for anything else that is not JSON: trailing text, comments, control
    /// characters in strings, invalid escapes or UTF-8, unpaired surrogates, leading zeros, numbers too large for
    /// `Double`, and nesting deeper than ``maxNestingDepth``.
    public init(parsing text: String) throws {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses a JSON text from UTF-8 bytes; see ``init(parsing:)-(String)``.
    public init(parsing bytes: [UInt8]) throws {
        var builder = JSONValueBuilder()
        try Self.scan(bytes, into: &builder)
        self = builder.value
    }

    /// Parses a JSON text from UTF-8 bytes held in any collection (`Data`, `ArraySlice<UInt8>`, a byte buffer...);
    /// see ``init(parsing:)-(String)``.
    public init(parsing bytes: some Collection<UInt8>) throws {
        try self.init(parsing: Array(bytes))
    }
}

/// A strict recursive-descent JSON reader over UTF-8 bytes: the grammar is in `JSONTextVisitor.swift`, values
/// are built by `JSONValueBuilder`.
struct JSONTextParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0
    init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: Errors

    func fail(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let offset = min(offset ?? index, bytes.count)
        var line = 1
        var column = 1
        var position = 0
        while position < offset {
            let byte = bytes[position]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            position += 1
        }
        return JSONParseError(message: message, offset: offset, line: line, column: column)
    }

    /// What is at the current position, for messages: "'x'", "byte 0xC3", "end of input".
    func found() -> String {
        guard index < bytes.count else { return "end of input" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + Self.hex(UInt32(byte), width: 2)
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    // MARK: Structure

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
    static let nullBytes = Array("null".utf8)

    mutating func expectLiteral(_ literal: [UInt8]) throws {
        let start = index
        for byte in literal {
            guard index < bytes.count, bytes[index] == byte else {
                throw fail("invalid literal, expected '\(String(decoding: literal, as: UTF8.self))'", at: start)
            }
            index += 1
        }
    }

    mutating func enter() throws {
        depth += 1
        guard depth <= JSONValue.maxNestingDepth else {
            throw fail("arrays and objects nested deeper than \(JSONValue.maxNestingDepth) levels")
        }
    }

    // MARK: Strings

    /// Parses the string starting at the opening quote: its UTF-8 bytes, validated and unescaped (a slice of the
    /// input when it has no escapes).
    mutating func parseStringBytes() throws -> ArraySlice<UInt8> {
        index += 1
        let start = index
        var ascii = true
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try validated(bytes[start..<index], ascii: ascii, inInput: true, start: start)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw controlCharacter(byte) }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(index - start + 16)
        buffer.append(contentsOf: bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let text = try validated(buffer[...], ascii: ascii, inInput: false, start: start)
                index += 1
                return text
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""): buffer.append(0x22)
                case UInt8(ascii: "\\"): buffer.append(0x5C)
                case UInt8(ascii: "/"): buffer.append(0x2F)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    if scalar.value >= 0x80 { ascii = false }
                    Self.appendUTF8(scalar, to: &buffer)
                default:
                    let shown = escaped >= 0x21 && escaped < 0x7F
                        ? "'\\\(Character(Unicode.Scalar(escaped)))'" : "'\\' followed by byte 0x" + Self.hex(UInt32(escaped), width: 2)
                    throw fail("invalid escape sequence \(shown) in string", at: index - 2)
                }
            default:
                if byte < 0x20 { throw controlCharacter(byte) }
                if byte >= 0x80 { ascii = false }
                buffer.append(byte)
                index += 1
            }
        }
        throw fail("unterminated string", at: start - 1)
    }

    func controlCharacter(_ byte: UInt8) -> JSONParseError {
        fail("unescaped control character U+\(Self.hex(UInt32(byte), width: 4)) in string")
    }

    /// `slice` once validated as UTF-8. `inInput`: the slice is part of the input, so an error can point at the
    /// bad byte (else it points at the string's start).
    func validated(_ slice: ArraySlice<UInt8>, ascii: Bool, inInput: Bool, start: Int) throws -> ArraySlice<UInt8> {
        if !ascii, let invalid = Self.firstInvalidUTF8(slice) {
            throw fail("invalid UTF-8 in string", at: inInput ? invalid : start)
        }
        return slice
    }

    /// The index of the first byte of an invalid UTF-8 sequence (overlong forms, surrogates and code points
    /// above U+10FFFF are invalid), or `nil` when `bytes` is valid.
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var position = bytes.startIndex
        let end = bytes.endIndex
        while position < end {
            let lead = bytes[position]
            if lead < 0x80 {
                position += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return position
            }
            guard end - position >= length else { return position }
            let second = bytes[position + 1]
            guard second >= low, second <= high else { return position }
            var offset = 2
            while offset < length {
                guard bytes[position + offset] & 0xC0 == 0x80 else { return position }
                offset += 1
            }
            position += length
        }
        return nil
    }

    static func appendUTF8(_ scalar: Unicode.Scalar, to buffer: inout [UInt8]) {
        let value = scalar.value
        switch value {
        case 0..<0x80:
            buffer.append(UInt8(value))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | (value >> 6)))
            buffer.append(UInt8(0x80 | (value & 0x3F)))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | (value >> 12)))
            buffer.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (value & 0x3F)))
        default:
            buffer.append(UInt8(0xF0 | (value >> 18)))
            buffer.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            buffer.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (value & 0x3F)))
        }
    }

    /// Four hex digits after `\u`.
    mutating func hex4() throws -> UInt32 {
        let escapeStart = index - 2
        guard bytes.count - index >= 4 else { throw fail("invalid \\u escape: expected 4 hex digits", at: escapeStart) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte &- UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte &- UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte &- UInt8(ascii: "A")) + 10
            default: throw fail("invalid \\u escape: expected 4 hex digits", at: escapeStart)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// The scalar of a `\uXXXX` escape (the `\u` is consumed), combining a surrogate pair.
    mutating func parseUnicodeEscape() throws -> Unicode.Scalar {
        let escapeStart = index - 2
        let code = try hex4()
        switch code {
        case 0xD800...0xDBFF:
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw fail("unpaired high surrogate \\u\(Self.hex(code, width: 4)) in string", at: escapeStart)
            }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw fail("high surrogate \\u\(Self.hex(code, width: 4)) not followed by a low surrogate", at: escapeStart)
            }
            let combined = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            guard let scalar = Unicode.Scalar(combined) else { throw fail("invalid \\u escape", at: escapeStart) }
            return scalar
        case 0xDC00...0xDFFF:
            throw fail("unpaired low surrogate \\u\(Self.hex(code, width: 4)) in string", at: escapeStart)
        default:
            guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape", at: escapeStart) }
            return scalar
        }
    }

    // MARK: Numbers

    /// Exact powers of ten for the fast path of decimal conversion.
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    mutating func parseNumber() throws -> JSONValue {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else {
            throw fail("invalid number: expected a digit after '-'", at: start)
        }
        // Digits accumulate into `significand` while it stays exact (at most 2^53) for the fast path.
        var significand: UInt64 = 0
        var exact = true
        var integer = 0
        var integerOverflow = false
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, Self.isDigit(bytes[index]) {
                throw fail("invalid number: leading zeros are not allowed", at: start)
            }
        } else {
            while index < bytes.count, Self.isDigit(bytes[index]) {
                let digit = Int(bytes[index] &- UInt8(ascii: "0"))
                if !integerOverflow {
                    let (times10, overflow1) = integer.multipliedReportingOverflow(by: 10)
                    let (next, overflow2) = negative
                        ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
                    if overflow1 || overflow2 { integerOverflow = true } else { integer = next }
                }
                Self.accumulate(digit, into: &significand, exact: &exact)
                index += 1
            }
        }
        var isInteger = true
        var decimalExponent = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else {
                throw fail("invalid number: expected a digit after '.'", at: start)
            }
            while index < bytes.count, Self.isDigit(bytes[index]) {
                Self.accumulate(Int(bytes[index] &- UInt8(ascii: "0")), into: &significand, exact: &exact)
                decimalExponent -= 1
                index += 1
            }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < bytes.count, Self.isDigit(bytes[index]) else {
                throw fail("invalid number: expected a digit in the exponent", at: start)
            }
            var exponent = 0
            while index < bytes.count, Self.isDigit(bytes[index]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
                index += 1
            }
            decimalExponent += exponentNegative ? -exponent : exponent
        }
        if isInteger && !integerOverflow { return .integer(integer) }
        if exact, significand == 0 { return .number(negative ? -0.0 : 0.0) }
        if exact, decimalExponent >= -22, decimalExponent <= 22 {
            // Both operands are exact doubles, so one correctly rounded operation gives the correct result.
            var value = Double(significand)
            if decimalExponent >= 0 {
                value *= Self.powersOfTen[decimalExponent]
            } else {
                value /= Self.powersOfTen[-decimalExponent]
            }
            return .number(negative ? -value : value)
        }
        guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)), value.isFinite else {
            throw fail("number out of range", at: start)
        }
        return .number(value)
    }

    static func accumulate(_ digit: Int, into significand: inout UInt64, exact: inout Bool) {
        guard exact else { return }
        let next = significand &* 10 &+ UInt64(digit)
        if significand > (1 << 53) / 10 || next > (1 << 53) { exact = false } else { significand = next }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
}
