/// A compiled JSON-Schema (draft 7).
///
/// Compile once, validate many times: keyword values are checked, regular expressions translated from ECMA-262
/// and compiled, and every `$ref` resolved when the schema is compiled; validating walks the compiled tree only.
/// A `JSONSchema` is immutable and can be shared between tasks.
///
/// ```swift
/// let schema = try JSONSchema(["type": "object", "properties": ["low": ["type": "integer", "default": 0]]])
/// schema.validate(["low": "x"])   // [at '/low': "x" is not of type 'integer' (keyword 'type' at '#/properties/low/type')]
/// try schema.validateFillingDefaults([:]).get()   // ["low": 0]
/// ```
public struct JSONSchema: Sendable {
    private let graph: SchemaGraph
    private var root: SchemaNode { graph.root }

    /// Compiles `schema`.
    ///
    /// - Parameters:
    ///   - schema: a draft-7 schema: an object or a boolean.
    ///   - formats: named validators usable as `{"format": name}`; they add formats or replace the standard
    ///     ones (date-time, date, time, email, hostname, ipv4, ipv6, uri, uri-reference, json-pointer,
    ///     relative-json-pointer, regex). Other format names are annotations: every value is valid.
    ///   - remotes: documents that `$ref`s may reach, keyed by absolute URI (e.g.
    ///     `"http://localhost:1234/integer.json"`). The draft-07 metaschema
    ///     (`http://json-schema.org/draft-07/schema#`) is always available; nothing is fetched from a network.
    /// - Throws: ``SchemaCompileError`` for an invalid schema: keyword values of the wrong type, an unresolvable
    ///   `$ref`, an invalid regular expression, or `$ref`s that loop back to the same value.
    public init(_ schema: JSONValue, formats: [String: NamedValidator] = [:], remotes: [String: JSONValue] = [:]) throws {
        graph = try SchemaCompiler(formats: formats, remotes: remotes).compileRoot(schema)
    }

    /// Every way `instance` fails the schema; empty when it is valid.
    ///
    /// Errors come in a deterministic order (schema keyword order, object members by key). Every failing keyword
    /// is reported (each missing required property, each invalid member or item), except that keywords which only
    /// test subschemas (`anyOf`, `oneOf`, `not`, `contains`, `propertyNames`) report one error of their own
    /// rather than their subschemas' errors; `if` reports the errors of `then` or `else`.
    public func validate(_ instance: JSONValue) -> [JSONSchemaError] {
        // Valid values, the common case, are checked without building paths or messages.
        if root.isValid(instance) { return [] }
        var sink = ErrorSink(collect: true)
        _ = root.validate(instance, "", &sink)
        return sink.errors
    }

    /// Whether `instance` is valid (stops at the first failure).
    public func isValid(_ instance: JSONValue) -> Bool { root.isValid(instance) }

    /// Metagov's behaviour for plugin configs and action parameters: fills `properties.*.default` into missing
    /// members of objects — recursively into present members through `properties`, and through `$ref` and
    /// `allOf` where the value is an object — then validates the filled value.
    ///
    /// Present members are never overwritten. Returns the filled value, or every error of the filled value.
    public func validateFillingDefaults(_ instance: JSONValue) -> Result<JSONValue, JSONSchemaErrors> {
        let filled = root.fillingDefaults(instance)
        let errors = validate(filled)
        return errors.isEmpty ? .success(filled) : .failure(JSONSchemaErrors(errors: errors))
    }
}
