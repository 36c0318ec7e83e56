import Foundation

/// A regular expression compiled once when the schema is compiled.
struct CompiledRegex: @unchecked Sendable {
    let source: String
    let expression: NSRegularExpression

    init(_ source: String) throws {
        self.source = source
        do {
            expression = try NSRegularExpression(pattern: source)
        } catch {
            throw SchemaCompileError(message: "invalid regular expression '\(source)'")
        }
    }

    func matches(_ string: String) -> Bool {
        expression.firstMatch(in: string, range: NSRange(string.startIndex..., in: string)) != nil
    }
}

/// A `$ref` whose target is filled in once compiled (targets may be compiled after, or contain, the ref).
/// The reference is unowned: refs may form cycles, and every node is owned by the schema's ``SchemaGraph``.
final class RefSlot: @unchecked Sendable {
    unowned var target: SchemaNode?
}

/// Owns every node of a compiled schema, so `$ref` cycles need no strong references.
final class SchemaGraph: Sendable {
    let root: SchemaNode
    private let nodes: [SchemaNode]

    init(root: SchemaNode, nodes: [SchemaNode]) {
        self.root = root
        self.nodes = nodes
    }
}

/// One keyword check of a compiled schema.
enum SchemaCheck: Sendable {
    case type([String])
    case enumeration([JSONValue])
    case constant(JSONValue)
    case multipleOf(Double)
    case maximum(Double, exclusive: Bool)
    case minimum(Double, exclusive: Bool)
    case maxLength(Int)
    case minLength(Int)
    case pattern(CompiledRegex)
    case items(SchemaNode)
    case tupleItems([SchemaNode], additional: SchemaNode?)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    case contains(SchemaNode)
    case maxProperties(Int)
    case minProperties(Int)
    case required([String])
    case properties([String: SchemaNode], patterns: [(CompiledRegex, SchemaNode)], additional: SchemaNode?,
                    location: String)
    case propertyDependencies([String: [String]])
    case schemaDependencies([String: SchemaNode])
    case propertyNames(SchemaNode)
    case conditional(SchemaNode, then: SchemaNode?, else: SchemaNode?)
    case allOf([SchemaNode])
    case anyOf([SchemaNode])
    case oneOf([SchemaNode])
    case not(SchemaNode)
    case format(String, NamedValidator)
    case ref(RefSlot)

    var keyword: String {
        switch self {
        case .type: return "type"
        case .enumeration: return "enum"
        case .constant: return "const"
        case .multipleOf: return "multipleOf"
        case .maximum(_, let exclusive): return exclusive ? "exclusiveMaximum" : "maximum"
        case .minimum(_, let exclusive): return exclusive ? "exclusiveMinimum" : "minimum"
        case .maxLength: return "maxLength"
        case .minLength: return "minLength"
        case .pattern: return "pattern"
        case .items, .tupleItems: return "items"
        case .maxItems: return "maxItems"
        case .minItems: return "minItems"
        case .uniqueItems: return "uniqueItems"
        case .contains: return "contains"
        case .maxProperties: return "maxProperties"
        case .minProperties: return "minProperties"
        case .required: return "required"
        case .properties: return "properties"
        case .propertyDependencies, .schemaDependencies: return "dependencies"
        case .propertyNames: return "propertyNames"
        case .conditional: return "if"
        case .allOf: return "allOf"
        case .anyOf: return "anyOf"
        case .oneOf: return "oneOf"
        case .not: return "not"
        case .format: return "format"
        case .ref: return "$ref"
        }
    }
}

/// A compiled (sub)schema.
final class SchemaNode: @unchecked Sendable {
    /// JSON pointer of this schema in its document, for error messages.
    let location: String
    /// For boolean schemas: whether everything is valid.
    var constant: Bool?
    var checks: [SchemaCheck] = []
    /// `properties.*.default` values, for default filling.
    var defaults: [String: JSONValue] = [:]

    init(location: String) { self.location = location }
}
