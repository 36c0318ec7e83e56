import Foundation

/// Collects errors, or only answers valid/invalid when `collect` is false.
struct ErrorSink {
    var collect: Bool
    var errors: [JSONSchemaError] = []

    mutating func add(_ path: String, _ node: SchemaNode, _ keyword: String, _ message: String) {
        guard collect else { return }
        errors.append(JSONSchemaError(
            instancePath: path, schemaPath: node.location + "/" + keyword, keyword: keyword, message: message))
    }
}

extension SchemaNode {
    /// Whether `instance` is valid, adding errors to `sink` when it collects them.
    func validate(_ instance: JSONValue, _ path: String, _ sink: inout ErrorSink) -> Bool {
        if let constant {
            if !constant { sink.add(path, self, "false", "no value is allowed here") }
            return constant
        }
        var valid = true
        for check in checks {
            if !run(check, instance, path, &sink) {
                valid = false
                if !sink.collect { return false }
            }
        }
        return valid
    }

    func isValid(_ instance: JSONValue) -> Bool {
        var sink = ErrorSink(collect: false)
        return validate(instance, "", &sink)
    }

    private func quiet(_ node: SchemaNode, _ instance: JSONValue) -> Bool {
        var sink = ErrorSink(collect: false)
        return node.validate(instance, "", &sink)
    }

    private func run(_ check: SchemaCheck, _ instance: JSONValue, _ path: String, _ sink: inout ErrorSink) -> Bool {
        let keyword = check.keyword
        func fail(_ message: String) -> Bool {
            sink.add(path, self, keyword, message)
            return false
        }
        switch check {
        case .type(let types):
            let actual = instance.typeName
            if types.contains(actual) || (actual == "integer" && types.contains("number")) { return true }
            return fail("\(instance) is not of type \(types.map { "'\($0)'" }.joined(separator: ", "))")
        case .enumeration(let values):
            return values.contains { Self.strictEqual($0, instance) } ? true : fail("\(instance) is not one of \(JSONValue.array(values))")
        case .constant(let value):
            return Self.strictEqual(value, instance) ? true : fail("\(instance) is not \(value)")
        case .multipleOf(let divisor):
            guard let number = instance.doubleValue else { return true }
            if case .integer(let i) = instance, let d = Int(exactly: divisor), d != 0 { return i % d == 0 ? true : fail("\(i) is not a multiple of \(d)") }
            let quotient = number / divisor
            guard quotient.isFinite else { return fail("\(instance) is not a multiple of \(divisor)") }
            return abs(quotient - quotient.rounded()) <= 1e-9 * max(1, abs(quotient)) ? true : fail("\(instance) is not a multiple of \(divisor)")
        case .maximum(let limit, let exclusive):
            guard let number = instance.doubleValue else { return true }
            return (exclusive ? number < limit : number <= limit) ? true : fail("\(instance) is greater than \(exclusive ? "or equal to " : "")\(JSONValue.number(limit).compactNumber)")
        case .minimum(let limit, let exclusive):
            guard let number = instance.doubleValue else { return true }
            return (exclusive ? number > limit : number >= limit) ? true : fail("\(instance) is less than \(exclusive ? "or equal to " : "")\(JSONValue.number(limit).compactNumber)")
        case .maxLength(let limit):
            guard let string = instance.stringValue else { return true }
            return string.unicodeScalars.count <= limit ? true : fail("\(instance) is longer than \(limit) characters")
        case .minLength(let limit):
            guard let string = instance.stringValue else { return true }
            return string.unicodeScalars.count >= limit ? true : fail("\(instance) is shorter than \(limit) characters")
        case .pattern(let regex):
            guard let string = instance.stringValue else { return true }
            return regex.matches(string) ? true : fail("\(instance) does not match '\(regex.source)'")
        case .items(let node):
            guard let array = instance.arrayValue else { return true }
            var valid = true
            for (index, element) in array.enumerated() where !node.validate(element, path + "/\(index)", &sink) {
                valid = false
                if !sink.collect { return false }
            }
            return valid
        case .tupleItems(let nodes, let additional):
            guard let array = instance.arrayValue else { return true }
            var valid = true
            for (index, element) in array.enumerated() {
                let node = index < nodes.count ? nodes[index] : additional
                guard let node else { continue }
                if !node.validate(element, path + "/\(index)", &sink) {
                    valid = false
                    if !sink.collect { return false }
                }
            }
            return valid
        case .maxItems(let limit):
            guard let array = instance.arrayValue else { return true }
            return array.count <= limit ? true : fail("array has more than \(limit) items")
        case .minItems(let limit):
            guard let array = instance.arrayValue else { return true }
            return array.count >= limit ? true : fail("array has fewer than \(limit) items")
        case .uniqueItems:
            guard let array = instance.arrayValue else { return true }
            for i in array.indices {
                for j in array.indices where j > i && Self.strictEqual(array[i], array[j]) {
                    return fail("array items \(i) and \(j) are equal")
                }
            }
            return true
        case .contains(let node):
            guard let array = instance.arrayValue else { return true }
            return array.contains { quiet(node, $0) } ? true : fail("no array item is valid against 'contains'")
        case .maxProperties(let limit):
            guard let object = instance.objectValue else { return true }
            return object.count <= limit ? true : fail("object has more than \(limit) properties")
        case .minProperties(let limit):
            guard let object = instance.objectValue else { return true }
            return object.count >= limit ? true : fail("object has fewer than \(limit) properties")
        case .required(let names):
            guard let object = instance.objectValue else { return true }
            let missing = names.filter { object[$0] == nil }
            return missing.isEmpty ? true : fail("required propert\(missing.count == 1 ? "y" : "ies") \(missing.map { "'\($0)'" }.joined(separator: ", ")) missing")
        case .properties(let properties, let patterns, let additional, let location):
            guard let object = instance.objectValue else { return true }
            var valid = true
            for key in object.keys.sorted() {
                guard let value = object[key] else { continue }
                let childPath = JSONPointer.appending(path, key)
                var matched = false
                if let node = properties[key] {
                    matched = true
                    if !node.validate(value, childPath, &sink) { valid = false; if !sink.collect { return false } }
                }
                for (regex, node) in patterns where regex.matches(key) {
                    matched = true
                    if !node.validate(value, childPath, &sink) { valid = false; if !sink.collect { return false } }
                }
                if !matched, let additional {
                    if additional.constant == false {
                        valid = false
                        guard sink.collect else { return false }
                        sink.errors.append(JSONSchemaError(
                            instancePath: childPath, schemaPath: location + "/additionalProperties",
                            keyword: "additionalProperties", message: "additional property '\(key)' is not allowed"))
                    } else if !additional.validate(value, childPath, &sink) {
                        valid = false
                        if !sink.collect { return false }
                    }
                }
            }
            return valid
        case .propertyDependencies(let dependencies):
            guard let object = instance.objectValue else { return true }
            for (key, needed) in dependencies.sorted(by: { $0.key < $1.key }) where object[key] != nil {
                let missing = needed.filter { object[$0] == nil }
                if !missing.isEmpty { return fail("property '\(key)' requires \(missing.map { "'\($0)'" }.joined(separator: ", "))") }
            }
            return true
        case .schemaDependencies(let dependencies):
            guard let object = instance.objectValue else { return true }
            var valid = true
            for (key, node) in dependencies.sorted(by: { $0.key < $1.key }) where object[key] != nil {
                if !node.validate(instance, path, &sink) { valid = false; if !sink.collect { return false } }
            }
            return valid
        case .propertyNames(let node):
            guard let object = instance.objectValue else { return true }
            for key in object.keys.sorted() where !quiet(node, .string(key)) {
                return fail("property name '\(key)' is not valid")
            }
            return true
        case .conditional(let condition, let then, let otherwise):
            if quiet(condition, instance) {
                return then?.validate(instance, path, &sink) ?? true
            }
            return otherwise?.validate(instance, path, &sink) ?? true
        case .allOf(let nodes):
            var valid = true
            for node in nodes where !node.validate(instance, path, &sink) {
                valid = false
                if !sink.collect { return false }
            }
            return valid
        case .anyOf(let nodes):
            return nodes.contains { quiet($0, instance) } ? true : fail("\(instance) is not valid against any schema of anyOf")
        case .oneOf(let nodes):
            let count = nodes.filter { quiet($0, instance) }.count
            return count == 1 ? true : fail("\(instance) is valid against \(count) schemas of oneOf, not exactly one")
        case .not(let node):
            return quiet(node, instance) ? fail("\(instance) must not be valid against 'not'") : true
        case .format(let name, let validator):
            if let problem = validator(instance) { return fail(problem.isEmpty ? "\(instance) is not a valid \(name)" : problem) }
            return true
        case .ref(let slot):
            return slot.target?.validate(instance, path, &sink) ?? true
        }
    }

    /// JSON equality where booleans never equal numbers (JSONValue's `==` already keeps them apart).
    static func strictEqual(_ a: JSONValue, _ b: JSONValue) -> Bool { a == b }

    /// Fills `properties.*.default` into missing keys, recursively through properties, `$ref` and `allOf`.
    func fillingDefaults(_ instance: JSONValue, depth: Int = 0) -> JSONValue {
        guard depth < 64, case .object(var object) = instance else { return instance }
        for (key, value) in defaults where object[key] == nil { object[key] = value }
        var filled = JSONValue.object(object)
        for check in checks {
            switch check {
            case .properties(let properties, _, _, _):
                guard case .object(var current) = filled else { continue }
                for (key, node) in properties {
                    if let value = current[key] { current[key] = node.fillingDefaults(value, depth: depth + 1) }
                }
                filled = .object(current)
            case .ref(let slot):
                if let target = slot.target { filled = target.fillingDefaults(filled, depth: depth + 1) }
            case .allOf(let nodes):
                for node in nodes { filled = node.fillingDefaults(filled, depth: depth + 1) }
            default:
                continue
            }
        }
        return filled
    }
}

extension JSONValue {
    fileprivate var compactNumber: String {
        if let i = intValue { return String(i) }
        return description
    }
}
