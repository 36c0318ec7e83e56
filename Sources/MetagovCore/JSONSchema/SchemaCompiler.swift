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
        try Self.checkForEndlessRecursion(from: root)
        return SchemaGraph(root: root, nodes: Array(compiled.values))
    }

    /// Rejects schemas whose `$ref`s (with `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else` or schema
    /// `dependencies`) come back to a schema for the same value: validating would never end.
    private static func checkForEndlessRecursion(from root: SchemaNode) throws {
        enum Mark { case visiting, done }
        var marks: [ObjectIdentifier: Mark] = [:]
        // Iterative depth-first search over same-instance edges, from every node reachable from the root.
        var reachable: [SchemaNode] = [root]
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        var next = 0
        while next < reachable.count {
            for child in reachable[next].allChildren where seen.insert(ObjectIdentifier(child)).inserted {
                reachable.append(child)
            }
            next += 1
        }
        for start in reachable where marks[ObjectIdentifier(start)] == nil {
            var stack: [(SchemaNode, [SchemaNode], Int)] = [(start, start.sameInstanceChildren, 0)]
            marks[ObjectIdentifier(start)] = .visiting
            while let (node, children, position) = stack.last {
                if position == children.count {
                    marks[ObjectIdentifier(node)] = .done
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].2 += 1
                let child = children[position]
                switch marks[ObjectIdentifier(child)] {
                case .visiting:
                    throw SchemaCompileError(
                        message: "invalid schema: the schema at '#\(child.location)' applies itself to the same value through $ref, so validation would never end")
                case .done:
                    continue
                case nil:
                    marks[ObjectIdentifier(child)] = .visiting
                    stack.append((child, child.sameInstanceChildren, 0))
                }
            }
        }
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
    private static func subschemas(of object: JSONObject, pointer: String) -> [(JSONValue, String)] {
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
    private func resolve(_ reference: String, base: URIReference, from pointer: String) throws -> LocatedSchema {
        let uri = base.resolving(reference)
        if let found = resources[uri.text] ?? (uri.fragment?.isEmpty ?? true ? resources[uri.withoutFragment] : nil) {
            return found
        }
        let documentURI = uri.withoutFragment
        if resources[documentURI] == nil {
            if let remote = remotes[documentURI] ?? remotes[documentURI + "#"] {
                register(document: remote, uri: documentURI)
            } else if Draft7MetaSchema.uris.contains(documentURI), let meta = Draft7MetaSchema.document {
                register(document: meta, uri: documentURI)
            }
            // The document just loaded may define the target as an `$id`.
            if let found = resources[uri.text] { return found }
        }
        guard var located = resources[documentURI] else {
            throw SchemaCompileError(message: "cannot resolve $ref '\(reference)' at '#\(pointer)': no schema is known as '\(uri.withoutFragment)'")
        }
        let fragment = (uri.fragment ?? "").removingPercentEncoding ?? ""
        guard !fragment.isEmpty else { return located }
        guard fragment.hasPrefix("/") else {
            throw SchemaCompileError(message: "cannot resolve $ref '\(reference)' at '#\(pointer)': unknown anchor '#\(fragment)'")
        }
        for rawToken in fragment.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = JSONPointer.unescape(String(rawToken))
            let next: JSONValue?
            switch located.schema {
            case .object(let object): next = object[token]
            case .array(let array): next = Int(token).flatMap { array.indices.contains($0) ? array[$0] : nil }
            default: next = nil
            }
            guard let next else {
                throw SchemaCompileError(message: "cannot resolve $ref '\(reference)' at '#\(pointer)': no '\(token)' in the target document")
            }
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
            throw SchemaCompileError(message: "invalid schema at '#\(located.pointer)': a schema must be an object or a boolean")
        }
    }

    private func child(_ value: JSONValue, _ parent: LocatedSchema, _ path: String) throws -> SchemaNode {
        try compile(LocatedSchema(
            schema: value, base: Self.base(of: value, in: parent.base), document: parent.document,
            pointer: parent.pointer + path))
    }

    private func fill(_ node: SchemaNode, _ object: JSONObject, _ located: LocatedSchema) throws {
        func invalid(_ keyword: String, _ requirement: String) -> SchemaCompileError {
            SchemaCompileError(message: "invalid schema at '#\(located.pointer)': '\(keyword)' must be \(requirement)")
        }
        if let reference = object["$ref"] {
            guard let text = reference.stringValue else { throw invalid("$ref", "a string") }
            let slot = RefSlot()
            node.checks.append(.ref(slot))
            slot.target = try compile(resolve(text, base: located.base, from: located.pointer))
            return  // In draft 7, keywords beside $ref are ignored.
        }
        if let id = object["$id"], id.stringValue == nil { throw invalid("$id", "a string") }
        func number(_ key: String) throws -> Double? {
            guard let value = object[key] else { return nil }
            guard let number = value.doubleValue else { throw invalid(key, "a number") }
            return number
        }
        func count(_ key: String) throws -> Int? {
            guard let value = object[key] else { return nil }
            guard let count = value.intValue, count >= 0 else { throw invalid(key, "a non-negative integer") }
            return count
        }
        func map(_ key: String) throws -> JSONObject? {
            guard let value = object[key] else { return nil }
            guard let map = value.objectValue else { throw invalid(key, "an object") }
            return map
        }
        func strings(_ key: String, _ list: JSONValue) throws -> [String] {
            guard let array = list.arrayValue else { throw invalid(key, "an array of strings") }
            return try array.map { element in
                guard let string = element.stringValue else { throw invalid(key, "an array of strings") }
                return string
            }
        }
        if let type = object["type"] {
            let names = type.stringValue.map { [$0] } ?? type.arrayValue?.map { $0.stringValue ?? "" }
            guard let names else { throw invalid("type", "a type name or an array of type names") }
            var types: SchemaTypes = []
            for name in names {
                guard let named = SchemaTypes.named(name) else {
                    throw invalid("type", "one of null, boolean, integer, number, string, array, object (not '\(name)')")
                }
                types.insert(named)
            }
            node.checks.append(.type(types))
        }
        if let value = object["enum"] {
            guard let values = value.arrayValue else { throw invalid("enum", "an array") }
            node.checks.append(.enumeration(values, values.count > 8 ? Set(values) : nil))
        }
        if let value = object["const"] { node.checks.append(.constant(value)) }
        if let divisor = try number("multipleOf") {
            guard divisor > 0, divisor.isFinite else { throw invalid("multipleOf", "a number greater than 0") }
            node.checks.append(.multipleOf(divisor))
        }
        if let limit = try number("maximum") { node.checks.append(.maximum(limit, exclusive: false)) }
        if let limit = try number("exclusiveMaximum") { node.checks.append(.maximum(limit, exclusive: true)) }
        if let limit = try number("minimum") { node.checks.append(.minimum(limit, exclusive: false)) }
        if let limit = try number("exclusiveMinimum") { node.checks.append(.minimum(limit, exclusive: true)) }
        if let limit = try count("maxLength") { node.checks.append(.maxLength(limit)) }
        if let limit = try count("minLength") { node.checks.append(.minLength(limit)) }
        if let value = object["pattern"] {
            guard let pattern = value.stringValue else { throw invalid("pattern", "a string") }
            node.checks.append(.pattern(try regex(pattern, located, "pattern")))
        }
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
        if let unique = object["uniqueItems"] {
            guard let flag = unique.boolValue else { throw invalid("uniqueItems", "a boolean") }
            if flag { node.checks.append(.uniqueItems) }
        }
        if let contains = object["contains"] { node.checks.append(.contains(try child(contains, located, "/contains"))) }
        if let limit = try count("maxProperties") { node.checks.append(.maxProperties(limit)) }
        if let limit = try count("minProperties") { node.checks.append(.minProperties(limit)) }
        if let required = object["required"] {
            let names = try strings("required", required)
            if !names.isEmpty { node.checks.append(.required(names)) }
        }
        let properties = try map("properties") ?? [:]
        let patterns = try map("patternProperties") ?? [:]
        if !properties.isEmpty || !patterns.isEmpty || object["additionalProperties"] != nil {
            var compiledProperties: [(key: String, node: SchemaNode)] = []
            for (key, value) in properties {
                compiledProperties.append((key, try child(value, located, "/properties/" + JSONPointer.escape(key))))
                if let defaultValue = value["default"] { node.defaults.append((key, defaultValue)) }
            }
            let compiledPatterns = try patterns.map { key, value -> (CompiledRegex, SchemaNode) in
                let path = "/patternProperties/" + JSONPointer.escape(key)
                return (try regex(key, located, "patternProperties"), try child(value, located, path))
            }
            let additional = try object["additionalProperties"].map { try child($0, located, "/additionalProperties") }
            node.checks.append(.properties(PropertiesCheck(
                properties: compiledProperties, patterns: compiledPatterns, additional: additional,
                additionalLocation: located.pointer + "/additionalProperties")))
        }
        if let dependencies = try map("dependencies") {
            var names: [(String, [String])] = []
            var schemas: [(String, SchemaNode)] = []
            for key in dependencies.keys.sorted() {
                guard let value = dependencies[key] else { continue }
                if value.arrayValue != nil {
                    names.append((key, try strings("dependencies", value)))
                } else {
                    schemas.append((key, try child(value, located, "/dependencies/" + JSONPointer.escape(key))))
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
            guard let value = object[keyword] else { continue }
            guard let list = value.arrayValue, !list.isEmpty else { throw invalid(keyword, "a non-empty array of schemas") }
            let nodes = try list.enumerated().map { try child($1, located, "/\(keyword)/\($0)") }
            switch keyword {
            case "allOf": node.checks.append(.allOf(nodes))
            case "anyOf": node.checks.append(.anyOf(nodes))
            default: node.checks.append(.oneOf(nodes))
            }
        }
        if let negated = object["not"] { node.checks.append(.not(try child(negated, located, "/not"))) }
        if let value = object["format"] {
            guard let format = value.stringValue else { throw invalid("format", "a string") }
            // Unknown formats are annotations only: everything is valid.
            if let validator = formats[format] ?? SchemaFormats.standard[format] {
                node.checks.append(.format(format, validator))
            }
        }
        // Compile definitions so refs into them resolve to shared nodes and schema errors surface early.
        for (key, value) in try map("definitions") ?? [:] {
            _ = try child(value, located, "/definitions/" + JSONPointer.escape(key))
        }
    }

    private func regex(_ pattern: String, _ located: LocatedSchema, _ keyword: String) throws -> CompiledRegex {
        do {
            return try CompiledRegex(pattern)
        } catch {
            throw SchemaCompileError(
                message: "invalid schema at '#\(located.pointer)': '\(keyword)' has an invalid regular expression '\(pattern)'")
        }
    }
}
