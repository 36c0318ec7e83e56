/// A named check usable from schemas as `{"format": "name"}`: returns an error message, or `nil` when the
/// value is valid.
public typealias NamedValidator = @Sendable (JSONValue) -> String?

/// One way an instance fails a schema.
public struct JSONSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSON pointer (RFC 6901) of the failing value in the instance; "" for the root.
    public var instancePath: String
    /// JSON pointer of the failing keyword in the schema, e.g. "/properties/low/type".
    public var schemaPath: String
    /// The failing keyword, e.g. "type".
    public var keyword: String
    /// What is wrong, e.g. "5 is not of type 'string'".
    public var message: String

    public init(instancePath: String, schemaPath: String, keyword: String, message: String) {
        self.instancePath = instancePath
        self.schemaPath = schemaPath
        self.keyword = keyword
        self.message = message
    }

    public var description: String {
        "at '\(instancePath.isEmpty ? "/" : instancePath)': \(message) (keyword '\(keyword)' at '#\(schemaPath)')"
    }
}

/// Every way an instance fails a schema.
public struct JSONSchemaErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public var errors: [JSONSchemaError]

    public var description: String { errors.map(\.description).joined(separator: "; ") }
}

/// A schema that cannot be compiled: invalid keyword values, unresolvable `$ref`, bad regular expressions.
public struct SchemaCompileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public var description: String { message }
}

/// JSON pointer helpers (RFC 6901).
enum JSONPointer {
    static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func unescape(_ token: String) -> String {
        token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }

    static func appending(_ pointer: String, _ token: String) -> String { pointer + "/" + escape(token) }
}
