/// A compiled JSON-Schema (draft 7).
///
/// Compile once, validate many times: keyword values are parsed, regular expressions compiled and `$ref`s
/// resolved when the schema is compiled. `$ref`s to other documents resolve to `remotes` (keyed by absolute
/// URI) and to the draft-07 metaschema. `formats` adds or replaces named `format` validators (the
/// extensions' named validators).
public struct JSONSchema: Sendable {
    private let graph: SchemaGraph
    private var root: SchemaNode { graph.root }

    public init(_ schema: JSONValue, formats: [String: NamedValidator] = [:], remotes: [String: JSONValue] = [:]) throws {
        graph = try SchemaCompiler(formats: formats, remotes: remotes).compileRoot(schema)
    }

    /// Every way `instance` fails the schema; empty when it is valid.
    public func validate(_ instance: JSONValue) -> [JSONSchemaError] {
        var sink = ErrorSink(collect: true)
        _ = root.validate(instance, "", &sink)
        return sink.errors
    }

    /// Whether `instance` is valid (stops at the first failure).
    public func isValid(_ instance: JSONValue) -> Bool { root.isValid(instance) }

    /// Metagov's behaviour: fills `properties.*.default` into missing keys of objects (recursively through
    /// properties, `$ref` and `allOf`), then validates the filled instance.
    public func validateFillingDefaults(_ instance: JSONValue) -> Result<JSONValue, JSONSchemaErrors> {
        let filled = root.fillingDefaults(instance)
        let errors = validate(filled)
        return errors.isEmpty ? .success(filled) : .failure(JSONSchemaErrors(errors: errors))
    }
}
