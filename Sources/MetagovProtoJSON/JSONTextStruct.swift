import MetagovJSON
import MetagovProto

extension Google_Protobuf_Struct {
    /// The protobuf encoding of ``wrapping(_:)`` of the JSON text `text`, written while the text is read, with no
    /// `JSONValue` in between (for JSON kept as text, such as stored events); nil when the text is `null`.
    /// Decodes to the same message as the encoding of `wrapping(try JSONValue(parsing: text))`, members in the
    /// text's order. Throws ``JSONParseError`` when `text` is not JSON.
    public static func encoding(wrappingJSONText text: [UInt8]) throws -> [UInt8]? {
        var writer = StructWireWriter()
        writer.bytes.reserveCapacity(text.count + text.count / 4 + 16)
        return try writer.writeStruct(wrapping: text) ? writer.bytes : nil
    }

    /// Appends ``encoding(wrappingJSONText:)`` of `text` to `message`, the encoding of a message being written, as
    /// its field `number` (nothing for `null`). Protobuf encodings concatenate, so the field may follow the others.
    public static func append(wrappingJSONText text: [UInt8], asField number: Int, to message: inout [UInt8]) throws {
        var writer = StructWireWriter()
        swap(&writer.bytes, &message)
        defer { swap(&writer.bytes, &message) }
        writer.bytes.reserveCapacity(writer.bytes.count + text.count + text.count / 4 + 24)
        let start = writer.bytes.count
        writer.beginField(UInt64(number) << 3 | 2)
        if try writer.writeStruct(wrapping: text) {
            writer.endField()
        } else {
            writer.bytes.removeSubrange(start...)
        }
    }
}

/// Writes the protobuf wire form of `google.protobuf.Struct` from a JSON text's structure: an object's members
/// become map entries (`fields` = 1: key = 1, value = 2), values `Value` messages (null_value = 1, number_value = 2,
/// string_value = 3, bool_value = 4, struct_value = 5, list_value = 6), an array's elements `ListValue.values` = 1.
///
/// Length prefixes are written after their contents: each length-delimited field gets a one-byte placeholder,
/// widened when its content turns out 128 bytes or longer.
private struct StructWireWriter: JSONTextVisitor {
    var bytes: [UInt8] = []
    /// Where the placeholders of the open length-delimited fields are, innermost last.
    private var open: [Int] = []
    /// The open containers, innermost last: true for an object, false for an array.
    private var containers: [Bool] = []
    /// Nothing of the text seen yet: its first value decides how it is written (an object is the Struct itself,
    /// null is no Struct, anything else is the Struct's member "value").
    private var atTop = true
    /// The text is `null`: nothing was written.
    private var isNull = false

    /// Writes the Struct ``Google_Protobuf_Struct/wrapping(_:)`` makes of `text`; false (nothing written) for
    /// `null`.
    mutating func writeStruct(wrapping text: [UInt8]) throws -> Bool {
        try JSONValue.scan(text, into: &self)
        return !isNull
    }

    // MARK: Fields

    /// Starts the length-delimited field with tag `tag`: its length is written by ``endField()``.
    mutating func beginField(_ tag: UInt64) {
        appendVarint(tag)
        open.append(bytes.count)
        bytes.append(0)
    }

    /// Ends the innermost open field, writing its length in front of its content.
    mutating func endField() {
        let placeholder = open.removeLast()
        let length = bytes.count - placeholder - 1
        if length < 0x80 {
            bytes[placeholder] = UInt8(length)
        } else {
            var prefix = StructWireWriter()
            prefix.appendVarint(UInt64(length))
            bytes.replaceSubrange(placeholder...placeholder, with: prefix.bytes)
        }
    }

    private mutating func appendLengthDelimited(_ tag: UInt8, _ content: ArraySlice<UInt8>) {
        bytes.append(tag)
        appendVarint(UInt64(content.count))
        bytes.append(contentsOf: content)
    }

    private mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    // MARK: Values

    /// Opens what holds the next value: an element of a ListValue (in an object, ``key(_:)`` opened its entry);
    /// for the text's only value, the Struct's member "value".
    private mutating func beginValue() {
        if atTop {
            atTop = false
            containers.append(true)
            key(ArraySlice("value".utf8))
        } else if containers.last == false {
            beginField(0x0A)
        }
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
        beginField(0x0A)  // a Struct.fields entry
        appendLengthDelimited(0x0A, utf8)  // its key
        beginField(0x12)  // its value
    }

    mutating func beginObject() {
        if atTop {
            atTop = false
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
        guard !atTop else {
            (atTop, isNull) = (false, true)
            return
        }
        beginValue()
        bytes.append(0x08)
        bytes.append(0)
        endValue()
    }
}
