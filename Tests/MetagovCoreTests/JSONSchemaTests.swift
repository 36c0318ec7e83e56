import MetagovCore
import Testing

@Suite struct JSONSchemaTests {
    /// "instancePath keyword schemaPath" of every error.
    static func summary(_ errors: [JSONSchemaError]) -> [String] {
        errors.map { "\($0.instancePath) \($0.keyword) \($0.schemaPath)" }
    }

    // MARK: Errors

    @Test func errorsNamePointerAndKeyword() throws {
        let schema = try JSONSchema([
            "type": "object",
            "properties": ["low": ["type": "integer"], "tags": ["type": "array", "items": ["type": "string"]]],
            "required": ["low"], "additionalProperties": false,
        ])
        let errors = schema.validate(["low": "x", "tags": ["ok", 3], "extra": 1])
        #expect(Self.summary(errors) == [
            "/extra additionalProperties /additionalProperties", "/low type /properties/low/type",
            "/tags/1 type /properties/tags/items/type",
        ])
        #expect(Self.summary(schema.validate(["tags": []])) == [" required /required"])
        #expect(errors.first { $0.keyword == "type" && $0.instancePath == "/low" }?.description
                == #"at '/low': "x" is not of type 'integer' (keyword 'type' at '#/properties/low/type')"#)
        #expect(schema.validate(5).map(\.description) == ["at '/': 5 is not of type 'object' (keyword 'type' at '#/type')"])
        #expect(schema.validate(["low": 1]).isEmpty)
    }

    @Test func pointersAreEscaped() throws {
        let schema = try JSONSchema(["properties": ["a/b": ["type": "string"], "c~d": ["items": ["type": "null"]]]])
        let errors = schema.validate(["a/b": 1, "c~d": [nil, 2]])
        #expect(Self.summary(errors) == ["/a~1b type /properties/a~1b/type", "/c~0d/1 type /properties/c~0d/items/type"])
    }

    /// A schema, an instance, the expected "instancePath keyword schemaPath" and message of its one error.
    struct KeywordCase: Sendable, CustomTestStringConvertible {
        var schema: JSONValue
        var instance: JSONValue
        var expected: String
        var message: String

        init(_ schema: JSONValue, _ instance: JSONValue, _ expected: String, _ message: String) {
            self.schema = schema
            self.instance = instance
            self.expected = expected
            self.message = message
        }

        var testDescription: String { "\(schema) with \(instance)" }
    }

    static let keywordCases: [KeywordCase] = [
        KeywordCase(["minimum": 3], 2, " minimum /minimum", "2 is less than 3"),
        KeywordCase(["maximum": 3.5], 4, " maximum /maximum", "4 is greater than 3.5"),
        KeywordCase(["exclusiveMaximum": 3], 3, " exclusiveMaximum /exclusiveMaximum", "3 is greater than or equal to 3"),
        KeywordCase(["exclusiveMinimum": 3], 3, " exclusiveMinimum /exclusiveMinimum", "3 is less than or equal to 3"),
        KeywordCase(["multipleOf": 2], 3, " multipleOf /multipleOf", "3 is not a multiple of 2"),
        KeywordCase(["minLength": 2], "a", " minLength /minLength", #""a" is shorter than 2 characters"#),
        KeywordCase(["maxLength": 1], "ab", " maxLength /maxLength", #""ab" is longer than 1 character"#),
        KeywordCase(["pattern": "^a+$"], "ab", " pattern /pattern", #""ab" does not match the pattern '^a+$'"#),
        KeywordCase(["enum": [1, "x"]], 2, " enum /enum", #"2 is not one of [1,"x"]"#),
        KeywordCase(["const": ["a": 1]], ["a": 2], " const /const", #"{"a":2} is not {"a":1}"#),
        KeywordCase(["minItems": 2], [1], " minItems /minItems", "the array has 1 items, fewer than 2"),
        KeywordCase(["maxItems": 0], [1], " maxItems /maxItems", "the array has 1 items, more than 0"),
        KeywordCase(["uniqueItems": true], [1, 2, 1.0], " uniqueItems /uniqueItems", "array items 0 and 2 are equal"),
        KeywordCase(["contains": ["type": "string"]], [1], " contains /contains", "no item of the array is valid against 'contains'"),
        KeywordCase(["minProperties": 1], [:], " minProperties /minProperties", "the object has 0 properties, fewer than 1"),
        KeywordCase(["maxProperties": 0], ["a": 1], " maxProperties /maxProperties", "the object has 1 properties, more than 0"),
        KeywordCase(["required": ["a"]], [:], " required /required", "required property 'a' is missing"),
        KeywordCase(["dependencies": ["a": ["b"]]], ["a": 1], " dependencies /dependencies/a", "property 'b' is required when 'a' is present"),
        KeywordCase(["propertyNames": ["maxLength": 1]], ["ab": 1], "/ab propertyNames /propertyNames", "property name 'ab' is not valid against 'propertyNames'"),
        KeywordCase(["anyOf": [["type": "string"], ["type": "null"]]], 1, " anyOf /anyOf", "1 is not valid against any of the 2 schemas of 'anyOf'"),
        KeywordCase(["oneOf": [["type": "integer"], ["minimum": 0]]], 1, " oneOf /oneOf", "1 is valid against more than one schema of 'oneOf' (0, 1)"),
        KeywordCase(["not": ["type": "integer"]], 1, " not /not", "1 must not be valid against the schema of 'not'"),
        KeywordCase(["format": "ipv4"], "1.2.3", " format /format", #""1.2.3" is not a valid 'ipv4'"#),
        KeywordCase(["properties": ["a": false]], ["a": 1], "/a false /properties/a", "no value is allowed here (the schema is false)"),
        KeywordCase(["items": [true], "additionalItems": false], [1, 2], "/1 false /additionalItems", "no value is allowed here (the schema is false)"),
        KeywordCase(["if": ["type": "integer"], "then": ["minimum": 10], "else": ["type": "string"]], 5, " minimum /then/minimum", "5 is less than 10"),
        KeywordCase(["if": ["type": "integer"], "then": ["minimum": 10], "else": ["type": "string"]], nil, " type /else/type", "null is not of type 'string'"),
        KeywordCase(["type": ["string", "null"]], 1.5, " type /type", "1.5 is not of type 'null' or 'string'"),
    ]

    @Test(arguments: keywordCases)
    func keywordErrors(_ test: KeywordCase) throws {
        let errors = try JSONSchema(test.schema).validate(test.instance)
        #expect(Self.summary(errors) == [test.expected])
        #expect(errors.map(\.message) == [test.message])
        #expect(try !JSONSchema(test.schema).isValid(test.instance))
    }

    @Test func collectsEveryErrorInAStableOrder() throws {
        let schema = try JSONSchema([
            "type": "object", "required": ["a", "b", "c"],
            "properties": ["x": ["type": "string", "minLength": 3], "y": ["maximum": 1]],
            "patternProperties": ["^y": ["type": "string"]],
        ])
        let instance: JSONValue = ["x": 5, "y": 7, "a": 1]
        let errors = schema.validate(instance)
        #expect(Self.summary(errors) == [
            " required /required", " required /required", "/x type /properties/x/type",
            "/y maximum /properties/y/maximum", "/y type /patternProperties/^y/type",
        ])
        #expect(errors.map(\.message).prefix(2) == ["required property 'b' is missing", "required property 'c' is missing"])
        for _ in 0..<20 { #expect(schema.validate(instance) == errors) }
    }

    @Test func errorsBehindRefsPointIntoTheReferencedSchema() throws {
        let schema = try JSONSchema([
            "properties": ["item": ["$ref": "#/definitions/item"]],
            "definitions": ["item": ["properties": ["n": ["type": "integer"]]]],
        ])
        #expect(Self.summary(schema.validate(["item": ["n": "x"]])) == ["/item/n type /definitions/item/properties/n/type"])
    }

    @Test func longValuesAreShortenedInMessages() throws {
        let long = JSONValue.string(String(repeating: "x", count: 500))
        let message = try #require(try JSONSchema(["type": "integer"]).validate(long).first?.message)
        #expect(message.count < 120)
        #expect(message.hasSuffix("... is not of type 'integer'"))
    }

    // MARK: Keywords

    @Test func multipleOfToleratesDecimalRounding() throws {
        let cents = try JSONSchema(["multipleOf": 0.0001])
        #expect(cents.isValid(0.0075))
        #expect(cents.isValid(19.99))
        #expect(!cents.isValid(0.00751))
        #expect(try JSONSchema(["multipleOf": 0.01]).isValid(4.35))
        #expect(try !JSONSchema(["multipleOf": 1]).isValid(1_000_000_000.5))
        #expect(try JSONSchema(["multipleOf": 3]).isValid(.integer(Int.min + 2)))
        #expect(try JSONSchema(["multipleOf": 0.5]).isValid(1e308), "overflowing quotient of an integer")
        #expect(try JSONSchema(["multipleOf": 2]).isValid("not a number"))
    }

    @Test func lengthsCountCodePoints() throws {
        let one = try JSONSchema(["maxLength": 1, "minLength": 1])
        #expect(one.isValid("😀"))
        #expect(one.isValid("é"))
        #expect(!one.isValid("e\u{301}"), "two code points, one grapheme")
        #expect(try JSONSchema(["maxLength": 2]).isValid("e\u{301}"))
    }

    @Test func patternsAreECMA262() throws {
        #expect(try !JSONSchema(["pattern": #"^\d+$"#]).isValid("١٢٣"), "\\d is ASCII only")
        #expect(try JSONSchema(["pattern": #"^\d+$"#]).isValid("123"))
        #expect(try !JSONSchema(["pattern": #"^\w$"#]).isValid("é"))
        #expect(try !JSONSchema(["pattern": "^abc$"]).isValid("abc\n"), "$ is the end of the input")
        #expect(try JSONSchema(["pattern": "^[[]$"]).isValid("["), "[ is literal in a class")
        #expect(try JSONSchema(["pattern": "^a{$"]).isValid("a{"), "a lone brace is literal")
        #expect(try JSONSchema(["pattern": "^a{2}$"]).isValid("aa"))
        #expect(try JSONSchema(["pattern": #"^\p{L}+$"#]).isValid("école"))
        #expect(try JSONSchema(["pattern": #"^\u00e9\x41\cJ$"#]).isValid("éA\n"))
        #expect(try JSONSchema(["pattern": "^.$"]).isValid("\u{0B}"), ". matches a vertical tab")
        #expect(try !JSONSchema(["pattern": "^.$"]).isValid("\n"))
        #expect(try JSONSchema(["pattern": "^🐲*$"]).isValid("🐲🐲"), "non-BMP characters repeat whole")
        #expect(try JSONSchema(["pattern": "(?<year>\\d{4})-\\k<year>"]).isValid("2024-2024"))
        #expect(try JSONSchema(["pattern": "c"]).isValid("abcd"), "patterns are not anchored")
        for notECMA in [#"\a"#, "(?i)a", "(?P<n>a)", "a**", "a*+", "(?>a)", "[b-a]", "(a", "a)", #"\"#, "[a", "*a"] {
            #expect(throws: SchemaCompileError.self, "\(notECMA)") { _ = try JSONSchema(["pattern": .string(notECMA)]) }
        }
        let format = try JSONSchema(["format": "regex"])
        #expect(format.isValid(#"^[a-z]+\d{2,}(?:x|y)?$"#))
        #expect(!format.isValid(#"\a"#))
    }

    @Test func uniqueItemsUsesJSONEquality() throws {
        let unique = try JSONSchema(["uniqueItems": true])
        #expect(!unique.isValid([1, 1.0]))
        #expect(unique.isValid([1, true]))
        #expect(unique.isValid([0, false, nil, "", [], [:]]))
        #expect(!unique.isValid([["a": [1]], ["a": [1.0]]]))
        let many = JSONValue.array((0..<100).map { .integer($0) })
        #expect(unique.isValid(many))
        #expect(unique.validate(.array(many.arrayValue.map { $0 + [.number(50.0)] } ?? [])).map(\.message)
                == ["array items 50 and 100 are equal"])
    }

    @Test func recursiveSchemas() throws {
        let tree = try JSONSchema([
            "definitions": ["node": [
                "type": "object", "required": ["value"],
                "properties": ["value": ["type": "integer"], "children": ["type": "array", "items": ["$ref": "#/definitions/node"]]],
            ]],
            "$ref": "#/definitions/node",
        ])
        var deep: JSONValue = ["value": 0]
        for level in 1...200 { deep = ["value": .integer(level), "children": [deep]] }
        #expect(tree.isValid(deep))
        let bad: JSONValue = ["value": 1, "children": [["value": 2, "children": [["value": "x"]]]]]
        #expect(Self.summary(tree.validate(bad)) == ["/children/0/children/0/value type /definitions/node/properties/value/type"])
    }

    @Test func metaschemaResolves() throws {
        let meta = try JSONSchema(["$ref": "http://json-schema.org/draft-07/schema#"])
        #expect(meta.isValid(["type": "object", "properties": ["a": ["type": "string", "minLength": 1]]]))
        #expect(meta.isValid(true))
        let errors = meta.validate(["type": "strin", "minLength": -1])
        #expect(Set(errors.map(\.instancePath)) == ["/type", "/minLength"])
        #expect(!meta.isValid(["properties": ["a": 5]]))
        #expect(!meta.isValid(["pattern": "(?i)a"]), "patterns are checked as ECMA-262 regular expressions")
        let overHTTPS = try JSONSchema(["$ref": "https://json-schema.org/draft-07/schema#"])
        #expect(overHTTPS.isValid(["type": "string"]))
        #expect(!overHTTPS.isValid(["type": "strin"]))
    }

    @Test func remotesAndIDs() throws {
        let remotes: [String: JSONValue] = [
            "http://example.com/schemas/integer.json": ["type": "integer"],
            "http://example.com/schemas/folder/named.json": ["definitions": ["name": ["$id": "#name", "type": "string"]]],
        ]
        let schema = try JSONSchema([
            "$id": "http://example.com/schemas/root.json",
            "properties": [
                "count": ["$ref": "integer.json"],
                "name": ["$ref": "folder/named.json#name"],
                "same": ["$ref": "http://example.com/schemas/integer.json#"],
            ],
        ], remotes: remotes)
        #expect(schema.isValid(["count": 1, "name": "n", "same": 2]))
        #expect(Self.summary(schema.validate(["count": "1"])) == ["/count type /type"])
        #expect(!schema.isValid(["name": 1]))
        let missing = try #require(throws: SchemaCompileError.self) {
            try JSONSchema(["$ref": "http://example.com/other.json"], remotes: remotes)
        }
        #expect(missing.message.contains("http://example.com/other.json"))
    }

    // MARK: Defaults

    @Test func fillsDefaultsThenValidates() throws {
        let schema = try JSONSchema([
            "type": "object",
            "properties": [
                "color": ["type": "string", "default": "blue"],
                "size": ["type": "integer", "default": 3],
                "inner": ["$ref": "#/definitions/inner"],
                "list": ["type": "array", "items": ["properties": ["x": ["default": 1]]]],
            ],
            "definitions": ["inner": ["type": "object", "properties": ["deep": ["default": true]]]],
        ])
        let filled = try schema.validateFillingDefaults(["size": 9, "inner": [:], "list": [[:]]]).get()
        #expect(filled == ["color": "blue", "size": 9, "inner": ["deep": true], "list": [[:]]])
        // Present members are kept, even null or of the wrong type (then the validation fails).
        #expect(try schema.validateFillingDefaults(["color": "red", "inner": ["deep": false]]).get()
                == ["color": "red", "size": 3, "inner": ["deep": false]])
        guard case .failure(let wrong) = schema.validateFillingDefaults(["color": nil]) else {
            Issue.record("a present null must not be replaced by the default")
            return
        }
        #expect(Self.summary(wrong.errors) == ["/color type /properties/color/type"])
        // Values that are not objects are left alone.
        #expect(try JSONSchema(["properties": ["a": ["default": 1]]]).validateFillingDefaults([1, 2]).get() == [1, 2])

        let invalid = try JSONSchema(["properties": ["n": ["type": "string", "default": 5]]])
        guard case .failure(let errors) = invalid.validateFillingDefaults([:]) else {
            Issue.record("a default that violates the schema must fail")
            return
        }
        #expect(errors.errors.map(\.instancePath) == ["/n"])
        #expect(errors.description == "at '/n': 5 is not of type 'string' (keyword 'type' at '#/properties/n/type')")
    }

    @Test func fillsNestedDefaultsThroughDefaultsRefsAndAllOf() throws {
        let schema = try JSONSchema([
            "allOf": [
                ["properties": ["a": ["default": 1]]],
                ["$ref": "#/definitions/more"],
            ],
            "properties": [
                "options": ["default": [:], "properties": ["verbose": ["default": false], "level": ["default": 2]]],
            ],
            "definitions": ["more": ["properties": ["b": ["default": "two"], "c": ["properties": ["d": ["default": nil]]]]]],
        ])
        let filled = try schema.validateFillingDefaults(["c": [:]]).get()
        #expect(filled == ["a": 1, "b": "two", "c": ["d": nil], "options": ["verbose": false, "level": 2]])
        #expect(try schema.validateFillingDefaults(["options": ["level": 5]]).get()["options"] == ["verbose": false, "level": 5])
    }

    // MARK: Formats

    @Test func namedValidatorsAreFormats() throws {
        let even: NamedValidator = { value in (value.intValue ?? 0) % 2 == 0 ? nil : "\(value) is odd" }
        let schema = try JSONSchema(["properties": ["n": ["format": "even"]]], formats: ["even": even])
        #expect(schema.isValid(["n": 4]))
        #expect(schema.validate(["n": 3]).map(\.description) == ["at '/n': 3 is odd (keyword 'format' at '#/properties/n/format')"])
        #expect(try JSONSchema(["format": "unknown-format"]).isValid("anything"))
        #expect(try JSONSchema(["format": "idn-hostname"]).isValid("anything"))
    }

    @Test func namedValidatorsReplaceStandardFormats() throws {
        let strictEmail: NamedValidator = { value in
            guard let text = value.stringValue else { return nil }
            return text.hasSuffix("@example.org") ? nil : "only example.org addresses"
        }
        #expect(try JSONSchema(["format": "email"]).isValid("a@b.com"))
        let schema = try JSONSchema(["format": "email"], formats: ["email": strictEmail])
        #expect(!schema.isValid("a@b.com"))
        #expect(schema.isValid("a@example.org"))
        #expect(schema.isValid(5))
        let silent: NamedValidator = { _ in "" }
        #expect(try JSONSchema(["format": "never"], formats: ["never": silent]).validate("v").map(\.message)
                == [#""v" is not a valid 'never'"#])
    }

    @Test func standardFormats() throws {
        let cases: [(String, JSONValue, Bool)] = [
            ("date-time", "2024-02-29T12:30:00.5+01:00", true), ("date-time", "2023-02-29T12:30:00Z", false),
            ("date", "2024-12-31", true), ("date", "2024-13-01", false), ("time", "23:59:60Z", true),
            ("time", "12:00:00", false), ("email", "a.b@example.com", true), ("email", "a..b@example.com", false),
            ("hostname", "example.com", true), ("hostname", "-bad.com", false), ("ipv4", "192.168.0.1", true),
            ("ipv4", "256.1.1.1", false), ("ipv6", "::1", true), ("ipv6", "1:::1", false),
            ("uri", "https://example.com/a?b#c", true), ("uri", "//example.com", false),
            ("uri-reference", "../a", true), ("uri-reference", "\\\\bad", false), ("json-pointer", "/a~1b/0", true),
            ("json-pointer", "a", false), ("relative-json-pointer", "1/a", true), ("relative-json-pointer", "-1", false),
            ("regex", "^a$", true), ("regex", "(", false), ("date", 5, true),
        ]
        for (format, value, valid) in cases {
            #expect(try JSONSchema(["format": .string(format)]).isValid(value) == valid, "\(format) \(value)")
        }
    }

    // MARK: Compiling

    @Test func invalidSchemasDoNotCompile() throws {
        let schemas: [JSONValue] = [
            ["$ref": "#/definitions/missing"], ["$ref": "#nowhere"], ["$ref": 5], ["pattern": "("], ["pattern": 1],
            ["patternProperties": ["(": true]], ["minLength": -1], ["maxItems": 1.5], ["minimum": "1"], 5, "schema",
            ["type": "int"], ["type": 5], ["multipleOf": 0], ["multipleOf": -2], ["required": [1]], ["required": "a"],
            ["enum": 1], ["allOf": []], ["anyOf": 5], ["properties": ["a": 5]], ["properties": []], ["items": [5]],
            ["uniqueItems": "yes"], ["format": 5], ["dependencies": ["a": [1]]], ["not": nil],
        ]
        for schema in schemas {
            #expect(throws: SchemaCompileError.self, "\(schema)") { _ = try JSONSchema(schema) }
        }
        let error = try #require(throws: SchemaCompileError.self) {
            try JSONSchema(["properties": ["a": ["$ref": "#/definitions/missing"]]])
        }
        #expect(error.description.contains("#/definitions/missing"))
        #expect(error.description.contains("'#/properties/a'"))
        let typeError = try #require(throws: SchemaCompileError.self) { try JSONSchema(["items": ["minimum": "x"]]) }
        #expect(typeError.message == "invalid schema at '#/items': 'minimum' must be a number")
    }

    @Test func endlessRefLoopsDoNotCompile() throws {
        let loops: [JSONValue] = [
            ["$ref": "#"],
            ["definitions": ["a": ["$ref": "#/definitions/b"], "b": ["allOf": [["$ref": "#/definitions/a"]]]], "$ref": "#/definitions/a"],
            ["anyOf": [["type": "string"], ["$ref": "#"]]],
            ["not": ["not": ["$ref": "#"]]],
        ]
        for schema in loops {
            let error = try #require(throws: SchemaCompileError.self, "\(schema)") { try JSONSchema(schema) }
            #expect(error.message.contains("never end"))
        }
        // Recursion through members or items consumes the value, so it ends.
        _ = try JSONSchema(["properties": ["next": ["$ref": "#"]], "items": ["$ref": "#"]])
    }

    @Test func validatesFromManyTasksAtOnce() async throws {
        let schema = try JSONSchema([
            "type": "object",
            "properties": ["name": ["pattern": "^[a-z]+$"], "tags": ["items": ["format": "hostname"]]],
            "patternProperties": ["^x-": ["type": "integer"]],
        ])
        let good: JSONValue = ["name": "abc", "tags": ["example.com"], "x-a": 1]
        let bad: JSONValue = ["name": "ABC", "tags": ["-x"], "x-a": "1"]
        let expected = schema.validate(bad)
        #expect(expected.count == 3)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<500).allSatisfy { _ in schema.isValid(good) && schema.validate(bad) == expected }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 8))
    }
}
