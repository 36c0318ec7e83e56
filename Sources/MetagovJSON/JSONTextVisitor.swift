/// Receives the structure of a JSON text as ``JSONValue/scan(_:into:)`` reads it, without any value being built:
/// for converting JSON text straight into another encoding.
///
/// Calls come in document order: a container's `begin…`, for an object each member's ``key(_:)`` then its value,
/// then its `end…`. Strings and keys are handed over as validated, unescaped UTF-8.
public protocol JSONTextVisitor {
    mutating func beginObject()
    /// The key of the member whose value comes next.
    mutating func key(_ utf8: ArraySlice<UInt8>)
    mutating func endObject()
    mutating func beginArray()
    mutating func endArray()
    mutating func string(_ utf8: ArraySlice<UInt8>)
    /// A number without fraction or exponent that fits `Int`.
    mutating func integer(_ value: Int)
    /// Any other number.
    mutating func number(_ value: Double)
    mutating func bool(_ value: Bool)
    mutating func null()
}

extension JSONValue {
    /// Reads the JSON text `bytes` by the rules of ``init(parsing:)-(String)``, handing its structure to `visitor`
    /// as it goes. Throws ``JSONParseError`` wherever parsing would (the visitor has then seen the text up to
    /// there). Duplicate keys are all handed over.
    public static func scan(_ bytes: [UInt8], into visitor: inout some JSONTextVisitor) throws {
        var parser = JSONTextParser(bytes: bytes)
        try parser.scanDocument(&visitor)
    }

    /// Throws ``JSONParseError`` unless `bytes` is a JSON text, without building its value.
    public static func validate(_ bytes: [UInt8]) throws {
        var ignoring = IgnoringVisitor()
        try scan(bytes, into: &ignoring)
    }
}

/// Sees nothing: scanning with it only validates.
private struct IgnoringVisitor: JSONTextVisitor {
    func beginObject() {}
    func key(_ utf8: ArraySlice<UInt8>) {}
    func endObject() {}
    func beginArray() {}
    func endArray() {}
    func string(_ utf8: ArraySlice<UInt8>) {}
    func integer(_ value: Int) {}
    func number(_ value: Double) {}
    func bool(_ value: Bool) {}
    func null() {}
}

/// The parser's grammar, reporting to a visitor instead of building values (strings, numbers and errors are the
/// parser's own).
extension JSONTextParser {
    mutating func scanDocument(_ visitor: inout some JSONTextVisitor) throws {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        try scanValue(&visitor)
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected \(found()) after the JSON value") }
    }

    mutating func scanValue(_ visitor: inout some JSONTextVisitor) throws {
        guard index < bytes.count else { throw fail("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "\""): visitor.string(try parseStringBytes())
        case UInt8(ascii: "{"): try scanObject(&visitor)
        case UInt8(ascii: "["): try scanArray(&visitor)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            switch try parseNumber() {
            case .integer(let value): visitor.integer(value)
            case .number(let value): visitor.number(value)
            default: throw fail("invalid number")
            }
        case UInt8(ascii: "t"): try expectLiteral(Self.trueBytes); visitor.bool(true)
        case UInt8(ascii: "f"): try expectLiteral(Self.falseBytes); visitor.bool(false)
        case UInt8(ascii: "n"): try expectLiteral(Self.nullBytes); visitor.null()
        default: throw fail("unexpected \(found()), expected a value")
        }
    }

    mutating func scanObject(_ visitor: inout some JSONTextVisitor) throws {
        visitor.beginObject()
        if try enterIsEmpty(closedBy: "}") {
            visitor.endObject()
            return
        }
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw fail("unexpected \(found()), expected a string key")
            }
            visitor.key(try parseStringBytes())
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw fail("unexpected \(found()), expected ':' after an object key")
            }
            index += 1
            skipWhitespace()
            try scanValue(&visitor)
            guard try nextInSequence(closedBy: "}", "object", "an object member") else { break }
        }
        depth -= 1
        visitor.endObject()
    }

    mutating func scanArray(_ visitor: inout some JSONTextVisitor) throws {
        visitor.beginArray()
        if try enterIsEmpty(closedBy: "]") {
            visitor.endArray()
            return
        }
        while true {
            try scanValue(&visitor)
            guard try nextInSequence(closedBy: "]", "array", "an array element") else { break }
        }
        depth -= 1
        visitor.endArray()
    }

    /// Enters the container whose opening bracket is at the cursor; true (and out of it again) when `closer`
    /// follows at once.
    private mutating func enterIsEmpty(closedBy closer: Unicode.Scalar) throws -> Bool {
        try enter()
        index += 1
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: closer) else { return false }
        index += 1
        depth -= 1
        return true
    }

    /// After a member or element: true past a ',' (another one follows), false past `closer` (the container
    /// ends); anything else is an error naming the container `kind` and `item`.
    private mutating func nextInSequence(closedBy closer: Unicode.Scalar, _ kind: String, _ item: String) throws -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unterminated \(kind), expected ',' or '\(closer)'") }
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: ",") {
            skipWhitespace()
            return true
        }
        if byte == UInt8(ascii: closer) { return false }
        index -= 1
        throw fail("unexpected \(found()), expected ',' or '\(closer)' after \(item)")
    }
}
