/// A named check usable from schemas as `{"format": "name"}`: returns an error message, or `nil` when the
/// value is valid. It is called with values of every type (the standard formats accept non-strings); an empty
/// message is replaced by "<value> is not a valid '<name>'".
public typealias NamedValidator = @Sendable (JSONValue) -> String?

/// One way an instance fails a schema.
public struct JSONSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSON pointer (RFC 6901, `~0` for `~` and `~1` for `/`) of the failing value in the instance; "" for the
    /// root.
    public var instancePath: String
    /// JSON pointer of the failing keyword in the schema, e.g. "/properties/low/type". Behind a `$ref` it
    /// points into the referenced schema (or into the remote document holding it); for a `false` schema it
    /// points at the schema itself.
    public var schemaPath: String
    /// The failing keyword, e.g. "type", "required", "minimum"; "false" for a `false` schema.
    public var keyword: String
    /// What is wrong, e.g. "5 is not of type 'string'".
    public var message: String

    /// An error at `instancePath` from `keyword` at `schemaPath`.
    public init(instancePath: String, schemaPath: String, keyword: String, message: String) {
        self.instancePath = instancePath
        self.schemaPath = schemaPath
        self.keyword = keyword
        self.message = message
    }

    /// E.g. "at '/low': 5 is not of type 'string' (keyword 'type' at '#/properties/low/type')"; the root
    /// instance is shown as '/'.
    public var description: String {
        "at '\(instancePath.isEmpty ? "/" : instancePath)': \(message) (keyword '\(keyword)' at '#\(schemaPath)')"
    }
}

/// Every way an instance fails a schema: the error of ``JSONSchema/validateFillingDefaults(_:)``.
public struct JSONSchemaErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The errors, in the order ``JSONSchema/validate(_:)`` returns them (never empty when thrown).
    public var errors: [JSONSchemaError]

    /// Wraps `errors`.
    public init(errors: [JSONSchemaError]) { self.errors = errors }

    /// The errors' descriptions joined by "; ".
    public var description: String { errors.map(\.description).joined(separator: "; ") }
}

/// A schema that cannot be compiled: keyword values of the wrong type, an unresolvable `$ref`, an invalid
/// regular expression, `$ref`s that loop back to the same value.
public struct SchemaCompileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and where, e.g. "cannot resolve $ref '#/definitions/x' at '#/properties/a': ...".
    public var message: String

    /// An error with `message`.
    public init(message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// JSON pointer helpers (RFC 6901).
enum JSONPointer {
    static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func unescape(_ token: String) -> String {
        guard token.utf8.contains(UInt8(ascii: "~")) else { return token }
        return token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }

    static func appending(_ pointer: String, _ token: String) -> String { pointer + "/" + escape(token) }
}
