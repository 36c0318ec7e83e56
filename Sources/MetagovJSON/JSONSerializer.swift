extension JSONValue {
    /// The JSON text of this value (RFC 8259), object members in key order: equal values always give the same
    /// text.
    ///
    /// - Parameters:
    ///   - pretty: indent nested values by two spaces, one member or element a line.
    ///
    /// Strings escape `"`, `\` and control characters (`\n`, `\r`, `\t`, `\b`, `\f`, else `\u00XX`); other
    /// characters are written as UTF-8. Doubles are written in their shortest form that reads back to the same
    /// value, integral ones with a fraction (`2.0`) so they read back as numbers rather than integers. NaN and
    /// the infinities, which JSON cannot express, are written as `null`.
    public func serialized(pretty: Bool = false) -> String {
        var writer = JSONTextWriter(pretty: pretty)
        writer.write(self, indent: 0)
        return String(decoding: writer.output, as: UTF8.self)
    }

    /// The JSON text of this value as UTF-8 bytes; see ``serialized(pretty:)``.
    public func serializedBytes(pretty: Bool = false) -> [UInt8] {
        var writer = JSONTextWriter(pretty: pretty)
        writer.write(self, indent: 0)
        return writer.output
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text, keys sorted.
    public var description: String { serialized() }
}

/// Writes JSON text into a byte buffer.
private struct JSONTextWriter {
    let pretty: Bool
    var output: [UInt8] = []

    init(pretty: Bool) {
        self.pretty = pretty
        output.reserveCapacity(64)
    }

    static let nullBytes = Array("null".utf8)
    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
    static let hexDigits = Array("0123456789abcdef".utf8)

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: output.append(contentsOf: Self.nullBytes)
        case .bool(let b): output.append(contentsOf: b ? Self.trueBytes : Self.falseBytes)
        case .integer(let i): writeInteger(i)
        case .number(let d): writeDouble(d)
        case .string(let s): writeString(s)
        case .array(let array):
            guard !array.isEmpty else {
                output.append(UInt8(ascii: "["))
                output.append(UInt8(ascii: "]"))
                return
            }
            output.append(UInt8(ascii: "["))
            var first = true
            for element in array {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                newline(indent + 1)
                write(element, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.isEmpty else {
                output.append(UInt8(ascii: "{"))
                output.append(UInt8(ascii: "}"))
                return
            }
            output.append(UInt8(ascii: "{"))
            var first = true
            for (key, member) in object {
                writeMember(key, member, first: first, indent: indent)
                first = false
            }
            newline(indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    mutating func writeMember(_ key: String, _ value: JSONValue, first: Bool, indent: Int) {
        if !first { output.append(UInt8(ascii: ",")) }
        newline(indent + 1)
        writeString(key)
        output.append(UInt8(ascii: ":"))
        if pretty { output.append(UInt8(ascii: " ")) }
        write(value, indent: indent + 1)
    }

    mutating func newline(_ indent: Int) {
        guard pretty else { return }
        output.append(0x0A)
        for _ in 0..<(indent * 2) { output.append(0x20) }
    }

    mutating func writeInteger(_ value: Int) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = output.count
        repeat {
            output.append(UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0"))
            magnitude /= 10
        } while magnitude > 0
        output[start...].reverse()
    }

    mutating func writeDouble(_ value: Double) {
        guard value.isFinite else {
            output.append(contentsOf: Self.nullBytes)
            return
        }
        // Swift's description is the shortest text that reads back to the same double ("2.0", "0.1", "1e-07",
        // "1e+16", "-0.0"), and always valid JSON for finite values.
        output.append(contentsOf: value.description.utf8)
    }

    mutating func writeString(_ string: String) {
        output.append(UInt8(ascii: "\""))
        var string = string
        // Most strings need no escape: their bytes are copied at once.
        let copied = string.withUTF8 { bytes -> Bool in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                return false
            }
            output.append(contentsOf: bytes)
            return true
        }
        if copied {
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""):
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"):
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "\\"))
            case 0x00..<0x20:
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                default:
                    output.append(UInt8(ascii: "u"))
                    output.append(UInt8(ascii: "0"))
                    output.append(UInt8(ascii: "0"))
                    output.append(Self.hexDigits[Int(byte >> 4)])
                    output.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
