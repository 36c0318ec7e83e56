/// The set of JSON types named by a `type` keyword, checked without string comparisons.
struct SchemaTypes: OptionSet, Sendable {
    let rawValue: UInt8

    static let null = SchemaTypes(rawValue: 1 << 0)
    static let boolean = SchemaTypes(rawValue: 1 << 1)
    static let integer = SchemaTypes(rawValue: 1 << 2)
    static let number = SchemaTypes(rawValue: 1 << 3)
    static let string = SchemaTypes(rawValue: 1 << 4)
    static let array = SchemaTypes(rawValue: 1 << 5)
    static let object = SchemaTypes(rawValue: 1 << 6)

    /// Type names in the order messages list them.
    static let names: [(String, SchemaTypes)] = [
        ("null", .null), ("boolean", .boolean), ("integer", .integer), ("number", .number), ("string", .string),
        ("array", .array), ("object", .object),
    ]

    /// The type called `name` in a schema, or `nil` for an unknown name.
    static func named(_ name: String) -> SchemaTypes? {
        names.first { $0.0 == name }?.1
    }

    /// Whether `value` has one of these types. Numbers with no fractional part are integers, and integers are
    /// numbers.
    func admits(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .integer: return !isDisjoint(with: [.integer, .number])
        case .number(let d):
            return contains(.number) || (contains(.integer) && d.isFinite && d.rounded(.towardZero) == d)
        case .string: return contains(.string)
        case .array: return contains(.array)
        case .object: return contains(.object)
        }
    }

    /// "'string'", "'string' or 'null'", "'integer', 'string' or 'null'".
    var list: String {
        let quoted = Self.names.filter { contains($0.1) }.map { "'\($0.0)'" }
        guard quoted.count > 1, let last = quoted.last else { return quoted.first ?? "''" }
        return quoted.dropLast().joined(separator: ", ") + " or " + last
    }
}
