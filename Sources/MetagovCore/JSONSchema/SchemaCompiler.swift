import Foundation

/// A schema found somewhere: the value, the base URI in force there, and where it is in its document.
private struct LocatedSchema {
    var schema: JSONValue
    var base: URIReference
    var document: String
    var pointer: String
}

/// Compiles a schema document (and the documents its `$ref`s reach) into ``SchemaNode``s.
final class SchemaCompiler {
    static let defaultBase = "https://metagov.invalid/schema.json"

    private let formats: [String: NamedValidator]
    private let remotes: [String: JSONValue]
    /// Resources by absolute URI: documents, `$id`s, plain-name fragments.
    private var resources: [String: LocatedSchema] = [:]
    private var loadedDocuments: Set<String> = []
    /// Compiled nodes by "document#pointer".
    private var compiled: [String: SchemaNode] = [:]

    init(formats: [String: NamedValidator], remotes: [String: JSONValue]) {
        self.formats = formats
        self.remotes = remotes
    }

    func compileRoot(_ schema: JSONValue) throws -> SchemaGraph {
        let document = URIReference(Self.defaultBase)
        register(document: schema, uri: document.withoutFragment)
        let root = try compile(LocatedSchema(
            schema: schema, base: Self.base(of: schema, in: document), document: document.withoutFragment, pointer: ""))
        return SchemaGraph(root: root, nodes: Array(compiled.values))
    }

    // MARK: Resources

    private func register(document: JSONValue, uri: String) {
        guard !loadedDocuments.contains(uri) else { return }
        loadedDocuments.insert(uri)
        let base = URIReference(uri)
        resources[uri] = LocatedSchema(schema: document, base: Self.base(of: document, in: base), document: uri, pointer: "")
        scan(document, base: base, document: uri, pointer: "")
    }

    /// The base URI in force inside `schema` found at `base`: changed by its `$id` unless it has a `$ref`.
    private static func base(of schema: JSONValue, in base: URIReference) -> URIReference {
        guard schema["$ref"] == nil, let id = schema["$id"]?.stringValue else { return base }
        return base.resolving(id)
    }

    /// Records every `$id` below `schema` as a resource.
    private func scan(_ schema: JSONValue, base: URIReference, document: String, pointer: String) {
        guard case .object(let object) = schema else { return }
        var base = base
        if object["$ref"] == nil, let id = object["$id"]?.stringValue {
            base = base.resolving(id)
            let located = LocatedSchema(schema: schema, base: base, document: document, pointer: pointer)
            if let fragment = base.fragment, !fragment.isEmpty {
                resources[base.text] = located
            } else {
                resources[base.withoutFragment] = located
            }
        }
        for (child, childPointer) in Self.subschemas(of: object, pointer: pointer) {
            scan(child, base: base, document: document, pointer: childPointer)
        }
    }

    private static let singleKeywords = ["additionalItems", "additionalProperties", "contains", "propertyNames", "if", "then", "else", "not"]
    private static let mapKeywords = ["properties", "patternProperties", "definitions", "dependencies"]
    private static let listKeywords = ["allOf", "anyOf", "oneOf"]

    /// The subschemas of a schema object with their pointers (not values of `enum`, `const`, ...).
    private static func subschemas(of object: [String: JSONValue], pointer: String) -> [(JSONValue, String)] {
        var result: [(JSONValue, String)] = []
        for keyword in singleKeywords { if let value = object[keyword] { result.append((value, pointer + "/" + keyword)) } }
        for keyword in mapKeywords {
            guard let map = object[keyword]?.objectValue else { continue }
            for (key, value) in map where value.objectValue != nil || value.boolValue != nil {
                result.append((value, pointer + "/" + keyword + "/" + JSONPointer.escape(key)))
            }
        }
        for keyword in listKeywords {
            for (index, value) in (object[keyword]?.arrayValue ?? []).enumerated() {
                result.append((value, pointer + "/\(keyword)/\(index)"))
            }
        }
        if let items = object["items"] {
            if let list = items.arrayValue {
                for (index, value) in list.enumerated() { result.append((value, pointer + "/items/\(index)")) }
            } else {
                result.append((items, pointer + "/items"))
            }
        }
        return result
    }

    /// Finds what `reference` (relative to `base`) points at.
    private func resolve(_ reference: String, base: URIReference) throws -> LocatedSchema {
        let uri = base.resolving(reference)
        if let found = resources[uri.text] ?? (uri.fragment?.isEmpty ?? true ? resources[uri.withoutFragment] : nil) {
            return found
        }
        let documentURI = uri.withoutFragment
        if resources[documentURI] == nil {
            if let remote = remotes[documentURI] ?? remotes[documentURI + "#"] {
                register(document: remote, uri: documentURI)
            } else if documentURI == Draft7MetaSchema.uri, let meta = Draft7MetaSchema.document {
                register(document: meta, uri: documentURI)
            }
        }
        guard var located = resources[documentURI] else {
            throw SchemaCompileError(message: "cannot resolve $ref '\(reference)' (\(uri.text))")
        }
        let fragment = (uri.fragment ?? "").removingPercentEncoding ?? ""
        guard !fragment.isEmpty else { return located }
        guard fragment.hasPrefix("/") else {
            throw SchemaCompileError(message: "cannot resolve $ref '\(reference)': unknown anchor '#\(fragment)'")
        }
        for rawToken in fragment.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = JSONPointer.unescape(String(rawToken))
            let next: JSONValue?
            switch located.schema {
            case .object(let object): next = object[token]
            case .array(let array): next = Int(token).flatMap { array.indices.contains($0) ? array[$0] : nil }
            default: next = nil
            }
            guard let next else { throw SchemaCompileError(message: "cannot resolve $ref '\(reference)': no '\(token)'") }
            located.schema = next
            located.pointer += "/" + JSONPointer.escape(token)
            located.base = Self.base(of: next, in: located.base)
        }
        return located
    }

    // MARK: Compiling

    private func compile(_ located: LocatedSchema) throws -> SchemaNode {
        let key = located.document + "#" + located.pointer
        if let node = compiled[key] { return node }
        let node = SchemaNode(location: located.pointer)
        compiled[key] = node
        switch located.schema {
        case .bool(let allowed):
            node.constant = allowed
            return node
        case .object(let object):
            try fill(node, object, located)
            return node
        default:
            throw SchemaCompileError(message: "schema at '#\(located.pointer)' must be an object or a boolean")
        }
    }

    private func child(_ value: JSONValue, _ parent: LocatedSchema, _ path: String) throws -> SchemaNode {
        try compile(LocatedSchema(
            schema: value, base: Self.base(of: value, in: parent.base), document: parent.document,
            pointer: parent.pointer + path))
    }

    private func fill(_ node: SchemaNode, _ object: [String: JSONValue], _ located: LocatedSchema) throws {
        if let reference = object["$ref"] {
            guard let text = reference.stringValue else { throw SchemaCompileError(message: "$ref must be a string") }
            let slot = RefSlot()
            node.checks.append(.ref(slot))
            slot.target = try compile(resolve(text, base: located.base))
            return  // In draft 7, keywords beside $ref are ignored.
        }
        func number(_ key: String) throws -> Double? {
            guard let value = object[key] else { return nil }
            guard let number = value.doubleValue else { throw SchemaCompileError(message: "'\(key)' must be a number") }
            return number
        }
        func count(_ key: String) throws -> Int? {
            guard let value = object[key] else { return nil }
            guard let count = value.intValue, count >= 0 else { throw SchemaCompileError(message: "'\(key)' must be a non-negative integer") }
            return count
        }
        if let type = object["type"] {
            let names = type.stringValue.map { [$0] } ?? type.arrayValue?.compactMap(\.stringValue) ?? []
            node.checks.append(.type(names))
        }
        if let values = object["enum"]?.arrayValue { node.checks.append(.enumeration(values)) }
        if let value = object["const"] { node.checks.append(.constant(value)) }
        if let divisor = try number("multipleOf") { node.checks.append(.multipleOf(divisor)) }
        if let limit = try number("maximum") { node.checks.append(.maximum(limit, exclusive: false)) }
        if let limit = try number("exclusiveMaximum") { node.checks.append(.maximum(limit, exclusive: true)) }
        if let limit = try number("minimum") { node.checks.append(.minimum(limit, exclusive: false)) }
        if let limit = try number("exclusiveMinimum") { node.checks.append(.minimum(limit, exclusive: true)) }
        if let limit = try count("maxLength") { node.checks.append(.maxLength(limit)) }
        if let limit = try count("minLength") { node.checks.append(.minLength(limit)) }
        if let pattern = object["pattern"]?.stringValue { node.checks.append(.pattern(try CompiledRegex(pattern))) }
        if let items = object["items"] {
            if let list = items.arrayValue {
                let nodes = try list.enumerated().map { try child($1, located, "/items/\($0)") }
                let additional = try object["additionalItems"].map { try child($0, located, "/additionalItems") }
                node.checks.append(.tupleItems(nodes, additional: additional))
            } else {
                node.checks.append(.items(try child(items, located, "/items")))
            }
        }
        if let limit = try count("maxItems") { node.checks.append(.maxItems(limit)) }
        if let limit = try count("minItems") { node.checks.append(.minItems(limit)) }
        if object["uniqueItems"]?.boolValue == true { node.checks.append(.uniqueItems) }
        if let contains = object["contains"] { node.checks.append(.contains(try child(contains, located, "/contains"))) }
        if let limit = try count("maxProperties") { node.checks.append(.maxProperties(limit)) }
        if let limit = try count("minProperties") { node.checks.append(.minProperties(limit)) }
        if let required = object["required"]?.arrayValue { node.checks.append(.required(required.compactMap(\.stringValue))) }
        let properties = object["properties"]?.objectValue ?? [:]
        let patterns = object["patternProperties"]?.objectValue ?? [:]
        if !properties.isEmpty || !patterns.isEmpty || object["additionalProperties"] != nil {
            var compiledProperties: [String: SchemaNode] = [:]
            for (key, value) in properties {
                compiledProperties[key] = try child(value, located, "/properties/" + JSONPointer.escape(key))
                if let defaultValue = value["default"] { node.defaults[key] = defaultValue }
            }
            let compiledPatterns = try patterns.keys.sorted().map { key -> (CompiledRegex, SchemaNode) in
                (try CompiledRegex(key), try child(patterns[key] ?? true, located, "/patternProperties/" + JSONPointer.escape(key)))
            }
            let additional = try object["additionalProperties"].map { try child($0, located, "/additionalProperties") }
            node.checks.append(.properties(compiledProperties, patterns: compiledPatterns, additional: additional, location: located.pointer))
        }
        if let dependencies = object["dependencies"]?.objectValue {
            var names: [String: [String]] = [:]
            var schemas: [String: SchemaNode] = [:]
            for (key, value) in dependencies {
                if let list = value.arrayValue {
                    names[key] = list.compactMap(\.stringValue)
                } else {
                    schemas[key] = try child(value, located, "/dependencies/" + JSONPointer.escape(key))
                }
            }
            if !names.isEmpty { node.checks.append(.propertyDependencies(names)) }
            if !schemas.isEmpty { node.checks.append(.schemaDependencies(schemas)) }
        }
        if let names = object["propertyNames"] { node.checks.append(.propertyNames(try child(names, located, "/propertyNames"))) }
        if let condition = object["if"] {
            node.checks.append(.conditional(
                try child(condition, located, "/if"),
                then: try object["then"].map { try child($0, located, "/then") },
                else: try object["else"].map { try child($0, located, "/else") }))
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            guard let list = object[keyword]?.arrayValue else { continue }
            let nodes = try list.enumerated().map { try child($1, located, "/\(keyword)/\($0)") }
            switch keyword {
            case "allOf": node.checks.append(.allOf(nodes))
            case "anyOf": node.checks.append(.anyOf(nodes))
            default: node.checks.append(.oneOf(nodes))
            }
        }
        if let negated = object["not"] { node.checks.append(.not(try child(negated, located, "/not"))) }
        if let format = object["format"]?.stringValue, let validator = formats[format] ?? SchemaFormats.standard[format] {
            node.checks.append(.format(format, validator))
        }
        // Compile definitions so refs into them resolve to shared nodes and schema errors surface early.
        for (key, value) in object["definitions"]?.objectValue ?? [:] {
            _ = try child(value, located, "/definitions/" + JSONPointer.escape(key))
        }
    }
}
