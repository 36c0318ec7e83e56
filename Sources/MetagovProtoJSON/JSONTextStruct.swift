import MetagovJSON
import MetagovProto

extension Google_Protobuf_Struct {
    /// The protobuf encoding of ``wrapping(_:)`` of the JSON text `text`, written while the text is read, with no
    /// `JSONValue` in between (for JSON kept as text, such as stored events); nil when the text is `null`.
    /// Decodes to the same message as the encoding of `wrapping(try JSONValue(parsing: text))`, members in the
    /// text's order. Throws ``JSONParseError`` when `text` is not JSON.
    public static func encoding(wrappingJSONText text: [UInt8]) throws -> [UInt8]? {
        var writer = StructWireWriter()
        switch text.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }) {
        case UInt8(ascii: "{"):
            writer.expectTopObject()
        case UInt8(ascii: "n"):
            try JSONValue.validate(text)
            return nil
        default:
            writer.expectTopObject()
            writer.beginObject()
            writer.key(ArraySlice("value".utf8))
        }
        try JSONValue.scan(text, into: &writer)
        return writer.bytes
    }
}

/// Writes the protobuf wire form of `google.protobuf.Struct` from a JSON text's structure: an object's members
/// become map entries (`fields` = 1: key = 1, value = 2), values `Value` messages (null_value = 1, number_value = 2,
/// string_value = 3, bool_value = 4, struct_value = 5, list_value = 6), an array's elements `ListValue.values` = 1.
///
/// Length prefixes are written after their contents: each length-delimited field gets a one-byte placeholder,
/// widened when its content turns out 128 bytes or longer.
private struct StructWireWriter: JSONTextVisitor {
    private(set) var bytes: [UInt8] = []
    /// Where the placeholders of the open length-delimited fields are, innermost last.
    private var open: [Int] = []
    /// The open containers, innermost last: true for an object, false for an array.
    private var containers: [Bool] = []
    /// The text's outermost object is the Struct itself, not a value inside one.
    private var topObjectPending = false

    mutating func expectTopObject() { topObjectPending = true }

    // MARK: Fields

    private mutating func beginField(_ tag: UInt8) {
        bytes.append(tag)
        open.append(bytes.count)
        bytes.append(0)
    }

    private mutating func endField() {
        let placeholder = open.removeLast()
        let length = bytes.count - placeholder - 1
        if length < 0x80 {
            bytes[placeholder] = UInt8(length)
        } else {
            bytes.replaceSubrange(placeholder...placeholder, with: Self.varint(UInt64(length)))
        }
    }

    private mutating func appendLengthDelimited(_ tag: UInt8, _ content: ArraySlice<UInt8>) {
        bytes.append(tag)
        bytes.append(contentsOf: Self.varint(UInt64(content.count)))
        bytes.append(contentsOf: content)
    }

    private static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var encoded: [UInt8] = []
        while value >= 0x80 {
            encoded.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        encoded.append(UInt8(value))
        return encoded
    }

    // MARK: Values

    /// Opens what holds the next value: an element of a ListValue (in an object, ``key(_:)`` opened its entry).
    private mutating func beginValue() {
        if containers.last == false { beginField(0x0A) }
    }

    /// Closes what holds the value just written: the element, or the map entry and its value field.
    private mutating func endValue() {
        switch containers.last {
        case false?: endField()
        case true?: endField(); endField()
        case nil: break
        }
    }

    mutating func key(_ utf8: ArraySlice<UInt8>) {
        beginField(0x0A)  // Struct.fields entry
        appendLengthDelimited(0x0A, utf8)  // its key
        beginField(0x12)  // its value
    }

    mutating func beginObject() {
        if topObjectPending {
            topObjectPending = false
        } else {
            beginValue()
            beginField(0x2A)
        }
        containers.append(true)
    }

    mutating func endObject() {
        containers.removeLast()
        guard !containers.isEmpty else { return }
        endField()
        endValue()
    }

    mutating func beginArray() {
        beginValue()
        beginField(0x32)
        containers.append(false)
    }

    mutating func endArray() {
        containers.removeLast()
        endField()
        endValue()
    }

    mutating func string(_ utf8: ArraySlice<UInt8>) {
        beginValue()
        appendLengthDelimited(0x1A, utf8)
        endValue()
    }

    mutating func integer(_ value: Int) { number(Double(value)) }

    mutating func number(_ value: Double) {
        beginValue()
        bytes.append(0x11)
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
        endValue()
    }

    mutating func bool(_ value: Bool) {
        beginValue()
        bytes.append(0x20)
        bytes.append(value ? 1 : 0)
        endValue()
    }

    mutating func null() {
        beginValue()
        bytes.append(0x08)
        bytes.append(0)
        endValue()
    }
}
