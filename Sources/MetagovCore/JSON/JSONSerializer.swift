extension JSONValue {
    /// The JSON text of this value. Non-finite numbers, which JSON cannot express, are written as `null`.
    public func serialized(sortedKeys: Bool = true, pretty: Bool = false) -> String {
        var output = ""
        write(to: &output, sortedKeys: sortedKeys, pretty: pretty, indent: 0)
        return output
    }

    private func write(to output: inout String, sortedKeys: Bool, pretty: Bool, indent: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let b): output += b ? "true" : "false"
        case .integer(let i): output += String(i)
        case .number(let d):
            if !d.isFinite {
                output += "null"
            } else if d.rounded() == d, abs(d) < 1e15 {
                output += String(Int(d)) + ".0"
            } else {
                output += "\(d)"
            }
        case .string(let s): Self.writeString(s, to: &output)
        case .array(let array):
            guard !array.isEmpty else { output += "[]"; return }
            output += "["
            for (offset, element) in array.enumerated() {
                if offset > 0 { output += "," }
                if pretty { output += "\n" + String(repeating: "  ", count: indent + 1) }
                element.write(to: &output, sortedKeys: sortedKeys, pretty: pretty, indent: indent + 1)
            }
            if pretty { output += "\n" + String(repeating: "  ", count: indent) }
            output += "]"
        case .object(let object):
            guard !object.isEmpty else { output += "{}"; return }
            output += "{"
            let keys = sortedKeys ? object.keys.sorted() : Array(object.keys)
            for (offset, key) in keys.enumerated() {
                if offset > 0 { output += "," }
                if pretty { output += "\n" + String(repeating: "  ", count: indent + 1) }
                Self.writeString(key, to: &output)
                output += pretty ? ": " : ":"
                object[key]?.write(to: &output, sortedKeys: sortedKeys, pretty: pretty, indent: indent + 1)
            }
            if pretty { output += "\n" + String(repeating: "  ", count: indent) }
            output += "}"
        }
    }

    private static func writeString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text.
    public var description: String { serialized() }
}
