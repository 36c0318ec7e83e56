/// Collects errors, or only answers valid/invalid when `collect` is false (then no paths or messages are built).
struct ErrorSink {
    var collect: Bool
    var errors: [JSONSchemaError] = []

    mutating func add(_ path: String, _ schemaPath: String, _ keyword: String, _ message: @autoclosure () -> String) {
        guard collect else { return }
        errors.append(JSONSchemaError(instancePath: path, schemaPath: schemaPath, keyword: keyword, message: message()))
    }

    /// The path of member or element `token` of the value at `path` (not built when not collecting).
    func child(_ path: String, _ token: String) -> String {
        collect ? JSONPointer.appending(path, token) : path
    }

    func child(_ path: String, _ index: Int) -> String {
        collect ? path + "/" + String(index) : path
    }
}

extension SchemaNode {
    /// Whether `instance` is valid, adding errors to `sink` when it collects them.
    func validate(_ instance: JSONValue, _ path: String, _ sink: inout ErrorSink) -> Bool {
        if let constant {
            if !constant { sink.add(path, location, "false", "no value is allowed here (the schema is false)") }
            return constant
        }
        var valid = true
        for check in checks where !run(check, instance, path, &sink) {
            valid = false
            if !sink.collect { return false }
        }
        return valid
    }

    /// Whether `instance` is valid (stops at the first failure).
    func isValid(_ instance: JSONValue) -> Bool {
        var sink = ErrorSink(collect: false)
        return validate(instance, "", &sink)
    }

    private func run(_ check: SchemaCheck, _ instance: JSONValue, _ path: String, _ sink: inout ErrorSink) -> Bool {
        func fail(_ message: @autoclosure () -> String) -> Bool {
            if sink.collect {
                let keyword = check.keyword
                sink.add(path, location + "/" + keyword, keyword, message())
            }
            return false
        }
        switch check {
        case .type(let types):
            return types.admits(instance) ? true : fail("\(instance.brief) is not of type \(types.list)")
        case .enumeration(let values, let hashed):
            let found = hashed?.contains(instance) ?? values.contains(instance)
            return found ? true : fail("\(instance.brief) is not one of \(JSONValue.array(values).brief)")
        case .constant(let value):
            return value == instance ? true : fail("\(instance.brief) is not \(value.brief)")
        case .multipleOf(let divisor):
            return Self.isMultiple(instance, of: divisor)
                ? true : fail("\(instance.brief) is not a multiple of \(JSONValue.number(divisor).numberText)")
        case .maximum(let limit, let exclusive):
            guard let number = instance.doubleValue else { return true }
            if exclusive ? number < limit : number <= limit { return true }
            return fail("\(instance.brief) is greater than \(exclusive ? "or equal to " : "")\(JSONValue.number(limit).numberText)")
        case .minimum(let limit, let exclusive):
            guard let number = instance.doubleValue else { return true }
            if exclusive ? number > limit : number >= limit { return true }
            return fail("\(instance.brief) is less than \(exclusive ? "or equal to " : "")\(JSONValue.number(limit).numberText)")
        case .maxLength(let limit):
            guard case .string(let string) = instance else { return true }
            // Code points, as JSON-Schema counts (not grapheme clusters).
            if string.utf8.count <= limit || string.unicodeScalars.count <= limit { return true }
            return fail("\(instance.brief) is longer than \(limit) character\(limit == 1 ? "" : "s")")
        case .minLength(let limit):
            guard case .string(let string) = instance else { return true }
            if string.unicodeScalars.count >= limit { return true }
            return fail("\(instance.brief) is shorter than \(limit) character\(limit == 1 ? "" : "s")")
        case .pattern(let regex):
            guard case .string(let string) = instance else { return true }
            return regex.matches(string) ? true : fail("\(instance.brief) does not match the pattern '\(regex.source)'")
        case .items(let node):
            guard case .array(let array) = instance else { return true }
            var valid = true
            for (index, element) in array.enumerated() where !node.validate(element, sink.child(path, index), &sink) {
                valid = false
                if !sink.collect { return false }
            }
            return valid
        case .tupleItems(let nodes, let additional):
            guard case .array(let array) = instance else { return true }
            var valid = true
            for (index, element) in array.enumerated() {
                let node = index < nodes.count ? nodes[index] : additional
                guard let node else { break }
                if !node.validate(element, sink.child(path, index), &sink) {
                    valid = false
                    if !sink.collect { return false }
                }
            }
            return valid
        case .maxItems(let limit):
            guard case .array(let array) = instance else { return true }
            return array.count <= limit ? true : fail("the array has \(array.count) items, more than \(limit)")
        case .minItems(let limit):
            guard case .array(let array) = instance else { return true }
            return array.count >= limit ? true : fail("the array has \(array.count) items, fewer than \(limit)")
        case .uniqueItems:
            guard case .array(let array) = instance else { return true }
            guard let (first, second) = Self.firstDuplicate(in: array) else { return true }
            return fail("array items \(first) and \(second) are equal")
        case .contains(let node):
            guard case .array(let array) = instance else { return true }
            return array.contains { node.isValid($0) } ? true : fail("no item of the array is valid against 'contains'")
        case .maxProperties(let limit):
            guard case .object(let object) = instance else { return true }
            return object.count <= limit ? true : fail("the object has \(object.count) properties, more than \(limit)")
        case .minProperties(let limit):
            guard case .object(let object) = instance else { return true }
            return object.count >= limit ? true : fail("the object has \(object.count) properties, fewer than \(limit)")
        case .required(let names):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for name in names where object[name] == nil {
                valid = false
                guard sink.collect else { return false }
                sink.add(path, location + "/required", "required", "required property '\(name)' is missing")
            }
            return valid
        case .properties(let properties):
            guard case .object(let object) = instance else { return true }
            return validateProperties(properties, object, path, &sink)
        case .propertyDependencies(let dependencies):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for (key, needed) in dependencies where object[key] != nil {
                for name in needed where object[name] == nil {
                    valid = false
                    guard sink.collect else { return false }
                    sink.add(
                        path, location + "/dependencies/" + JSONPointer.escape(key), "dependencies",
                        "property '\(name)' is required when '\(key)' is present")
                }
            }
            return valid
        case .schemaDependencies(let dependencies):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for (key, node) in dependencies where object[key] != nil && !node.validate(instance, path, &sink) {
                valid = false
                if !sink.collect { return false }
            }
            return valid
        case .propertyNames(let node):
            guard case .object(let object) = instance else { return true }
            guard sink.collect else { return object.keys.allSatisfy { node.isValid(.string($0)) } }
            var valid = true
            for key in object.keys.sorted() where !node.isValid(.string(key)) {
                valid = false
                sink.add(
                    sink.child(path, key), location + "/propertyNames", "propertyNames",
                    "property name '\(key)' is not valid against 'propertyNames'")
            }
            return valid
        case .conditional(let condition, let then, let otherwise):
            if condition.isValid(instance) {
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
            return nodes.contains { $0.isValid(instance) }
                ? true : fail("\(instance.brief) is not valid against any of the \(nodes.count) schemas of 'anyOf'")
        case .oneOf(let nodes):
            var matches: [Int] = []
            for (index, node) in nodes.enumerated() where node.isValid(instance) {
                matches.append(index)
                if matches.count == 2 && !sink.collect { return false }
            }
            if matches.count == 1 { return true }
            if matches.isEmpty {
                return fail("\(instance.brief) is not valid against any of the \(nodes.count) schemas of 'oneOf'")
            }
            return fail("\(instance.brief) is valid against more than one schema of 'oneOf' (\(matches.map(String.init).joined(separator: ", ")))")
        case .not(let node):
            return node.isValid(instance) ? fail("\(instance.brief) must not be valid against the schema of 'not'") : true
        case .format(let name, let validator):
            guard let problem = validator(instance) else { return true }
            return fail(problem.isEmpty ? "\(instance.brief) is not a valid '\(name)'" : problem)
        case .ref(let slot):
            return slot.target?.validate(instance, path, &sink) ?? true
        }
    }

    /// `properties`, `patternProperties` and `additionalProperties`. Members are visited in key order (so errors
    /// come in a stable order), each matched with its property in the same walk: both are sorted by key.
    private func validateProperties(
        _ check: PropertiesCheck, _ object: JSONObject, _ path: String, _ sink: inout ErrorSink
    ) -> Bool {
        var valid = true
        var property = check.properties.startIndex
        for (key, value) in object {
            while property < check.properties.endIndex && check.properties[property].key < key { property += 1 }
            let node = property < check.properties.endIndex && !(key < check.properties[property].key)
                ? check.properties[property].node : nil
            if !visitMember(key, value, node, check, path, &sink) {
                valid = false
                if !sink.collect { return false }
            }
        }
        return valid
    }

    /// Validates member `key` against its property's schema `node` (if any), the matching patterns, or else
    /// `additionalProperties`.
    private func visitMember(
        _ key: String, _ value: JSONValue, _ node: SchemaNode?, _ check: PropertiesCheck, _ path: String,
        _ sink: inout ErrorSink
    ) -> Bool {
        let childPath = sink.child(path, key)
        var matched = false
        var memberValid = true
        if let node {
            matched = true
            if !node.validate(value, childPath, &sink) {
                memberValid = false
                if !sink.collect { return false }
            }
        }
        for (regex, node) in check.patterns where regex.matches(key) {
            matched = true
            if !node.validate(value, childPath, &sink) {
                memberValid = false
                if !sink.collect { return false }
            }
        }
        if !matched, let additional = check.additional {
            if additional.constant == false {
                sink.add(
                    childPath, check.additionalLocation, "additionalProperties",
                    "additional property '\(key)' is not allowed")
                return false
            }
            if !additional.validate(value, childPath, &sink) { return false }
        }
        return memberValid
    }

    /// Whether `instance` (when a number) is a multiple of `divisor` (> 0). Integers are checked exactly when
    /// the divisor is an integer; otherwise the quotient must be within rounding error of an integer, so that
    /// e.g. 0.0075 is a multiple of 0.0001.
    static func isMultiple(_ instance: JSONValue, of divisor: Double) -> Bool {
        if case .integer(let value) = instance, let integerDivisor = Int(exactly: divisor) {
            return value % integerDivisor == 0
        }
        guard let number = instance.doubleValue else { return true }
        let quotient = number / divisor
        guard quotient.isFinite else {
            // Overflow: an integral number is a multiple of any divisor whose inverse is an integer (0.5, 0.25...).
            let inverse = 1 / divisor
            return number.rounded() == number && inverse.rounded() == inverse
        }
        // The quotient of two rounded decimals is off by a few ulps at most.
        return abs(quotient - quotient.rounded()) <= max(1e-9, abs(quotient) * 8 * Double.ulpOfOne)
    }

    /// The indices of the first two equal items (by JSON equality: 1 equals 1.0, `true` never equals 1).
    static func firstDuplicate(in array: [JSONValue]) -> (Int, Int)? {
        if array.count <= 16 {
            for i in array.indices {
                for j in (i + 1)..<array.count where array[i] == array[j] { return (i, j) }
            }
            return nil
        }
        var firstIndex: [JSONValue: Int] = [:]
        firstIndex.reserveCapacity(array.count)
        for (index, item) in array.enumerated() {
            if let earlier = firstIndex[item] { return (earlier, index) }
            firstIndex[item] = index
        }
        return nil
    }

    // MARK: Defaults

    /// Fills `properties.*.default` into missing members of objects: at this schema, then recursively into the
    /// present members through `properties`, and into the same object through `$ref` and `allOf`.
    /// (`$ref`/`allOf` cycles are rejected when compiling, so this ends.)
    func fillingDefaults(_ instance: JSONValue, depth: Int = 0) -> JSONValue {
        guard depth < 1000, case .object(var object) = instance else { return instance }
        for (key, value) in defaults where object[key] == nil { object[key] = value }
        for check in checks {
            switch check {
            case .properties(let properties):
                for (key, node) in properties.properties {
                    if let value = object[key], case .object = value {
                        object[key] = node.fillingDefaults(value, depth: depth + 1)
                    }
                }
            case .ref(let slot):
                if let target = slot.target, case .object(let filled) = target.fillingDefaults(.object(object), depth: depth + 1) {
                    object = filled
                }
            case .allOf(let nodes):
                for node in nodes {
                    if case .object(let filled) = node.fillingDefaults(.object(object), depth: depth + 1) { object = filled }
                }
            default:
                continue
            }
        }
        return .object(object)
    }
}

extension JSONValue {
    /// The JSON text for messages, shortened when long.
    var brief: String {
        let text = serialized()
        guard text.unicodeScalars.count > 80 else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(77))) + "..."
    }

    /// A number as written in messages: integral values without a fraction ("5", not "5.0").
    fileprivate var numberText: String {
        if let i = intValue { return String(i) }
        return description
    }
}
