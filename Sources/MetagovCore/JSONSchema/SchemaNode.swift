/// A `$ref` whose target is filled in once compiled (targets may be compiled after, or contain, the ref).
/// The reference is unowned: refs may form cycles, and every node is owned by the schema's ``SchemaGraph``.
final class RefSlot: @unchecked Sendable {
    @exclusivity(unchecked) unowned var target: SchemaNode?
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
    case type(SchemaTypes)
    /// `enum` values, and a hashed copy when the list is long.
    case enumeration([JSONValue], Set<JSONValue>?)
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
    case properties(PropertiesCheck)
    case propertyDependencies([(String, [String])])
    case schemaDependencies([(String, SchemaNode)])
    case propertyNames(SchemaNode)
    case conditional(SchemaNode, then: SchemaNode?, else: SchemaNode?)
    case allOf([SchemaNode])
    case anyOf([SchemaNode])
    case oneOf([SchemaNode])
    case not(SchemaNode)
    case format(String, NamedValidator)
    case ref(RefSlot)

    /// The schema keyword errors of this check name.
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

/// `properties`, `patternProperties` and `additionalProperties` of one schema, checked together since
/// `additionalProperties` applies to the members the other two do not match.
struct PropertiesCheck: Sendable {
    /// `properties`, sorted by key (as object members are), so members and properties are matched in one walk.
    var properties: [(key: String, node: SchemaNode)]
    var patterns: [(CompiledRegex, SchemaNode)]
    var additional: SchemaNode?
    /// Where `additionalProperties` is, for errors of `"additionalProperties": false`.
    var additionalLocation: String
}

/// A compiled (sub)schema.
final class SchemaNode: @unchecked Sendable {
    /// JSON pointer of this schema in its document, for error messages.
    let location: String
    // The compiler sets these before the schema is shared and nothing changes them after, so validation does
    // without dynamic exclusivity checks.
    /// For boolean schemas: whether everything is valid.
    @exclusivity(unchecked) var constant: Bool?
    @exclusivity(unchecked) var checks: [SchemaCheck] = []
    /// `properties.*.default` values, for default filling.
    @exclusivity(unchecked) var defaults: [(String, JSONValue)] = []

    init(location: String) { self.location = location }

    /// The nodes this node applies to the same instance (not to its members or elements): `$ref`, `allOf`,
    /// `anyOf`, `oneOf`, `not`, `if`/`then`/`else` and schema `dependencies`. A cycle of these never ends.
    var sameInstanceChildren: [SchemaNode] {
        var children: [SchemaNode] = []
        for check in checks {
            switch check {
            case .ref(let slot): if let target = slot.target { children.append(target) }
            case .allOf(let nodes), .anyOf(let nodes), .oneOf(let nodes): children += nodes
            case .not(let node): children.append(node)
            case .conditional(let condition, let then, let otherwise):
                children.append(condition)
                if let then { children.append(then) }
                if let otherwise { children.append(otherwise) }
            case .schemaDependencies(let dependencies): children += dependencies.map(\.1)
            default: continue
            }
        }
        return children
    }

    /// Every node this node refers to.
    var allChildren: [SchemaNode] {
        var children = sameInstanceChildren
        for check in checks {
            switch check {
            case .items(let node), .contains(let node), .propertyNames(let node): children.append(node)
            case .tupleItems(let nodes, let additional):
                children += nodes
                if let additional { children.append(additional) }
            case .properties(let check):
                children += check.properties.map(\.node)
                children += check.patterns.map(\.1)
                if let additional = check.additional { children.append(additional) }
            default: continue
            }
        }
        return children
    }
}
