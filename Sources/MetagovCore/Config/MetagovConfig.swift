/// Invalid configuration: names the key and what is wrong.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "invalid configuration '\(key)': \(message)" }
}

/// The resolved configuration: raw values checked against the declaration, defaults applied.
public struct MetagovConfig: Sendable {
    /// Every value, declared or not, as text.
    public private(set) var values: [String: String]

    /// Resolves `raw` values (from a file and the environment) against `declaration`. Throws a
    /// ``ConfigError`` naming the first invalid or missing required key.
    public init(declaration: ConfigDeclaration, raw: [String: String]) throws {
        var values = raw
        for option in declaration.options {
            guard let value = raw[option.key] ?? option.defaultValue else {
                if option.required { throw ConfigError(key: option.key, message: "a value is required") }
                continue
            }
            if let problem = Self.typeProblem(value, option.type) ?? option.validator?(value) {
                throw ConfigError(key: option.key, message: problem)
            }
            values[option.key] = value
        }
        self.values = values
    }

    /// The value of `key` as text.
    public func string(_ key: String) -> String? { values[key] }

    /// The value of `key` as an integer.
    public func int(_ key: String) -> Int? { values[key].flatMap { Int($0.trimmed) } }

    /// The value of `key` as a floating-point number.
    public func double(_ key: String) -> Double? { values[key].flatMap { Double($0.trimmed) } }

    /// The value of `key` as a boolean.
    public func bool(_ key: String) -> Bool? { values[key].flatMap { Self.parseBool($0) } }

    /// The value of `key` as a list of words.
    public func list(_ key: String) -> [String]? {
        values[key].map { $0.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init) }
    }

    private static func typeProblem(_ value: String, _ type: ConfigValueType) -> String? {
        switch type {
        case .string, .list: return nil
        case .int: return Int(value.trimmed) == nil ? "expected an integer, got '\(value)'" : nil
        case .double: return Double(value.trimmed) == nil ? "expected a number, got '\(value)'" : nil
        case .bool: return parseBool(value) == nil ? "expected true or false, got '\(value)'" : nil
        }
    }

    private static func parseBool(_ value: String) -> Bool? {
        switch value.trimmed.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: return nil
        }
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
