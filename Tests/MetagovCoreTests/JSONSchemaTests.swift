import MetagovCore
import Testing

@Suite struct JSONSchemaTests {
    @Test func errorsNamePointerAndKeyword() throws {
        let schema = try JSONSchema([
            "type": "object",
            "properties": ["low": ["type": "integer"], "tags": ["type": "array", "items": ["type": "string"]]],
            "required": ["low"], "additionalProperties": false,
        ])
        let errors = schema.validate(["low": "x", "tags": ["ok", 3], "extra": 1])
        let summary = Set(errors.map { "\($0.instancePath) \($0.keyword) \($0.schemaPath)" })
        #expect(summary == ["/low type /properties/low/type", "/tags/1 type /properties/tags/items/type",
                            "/extra additionalProperties /additionalProperties"])
        #expect(schema.validate(["tags": []]).map(\.keyword) == ["required"])
        #expect(errors.first { $0.keyword == "type" && $0.instancePath == "/low" }?.description
                == #"at '/low': "x" is not of type 'integer' (keyword 'type' at '#/properties/low/type')"#)
    }

    @Test func fillsDefaultsThenValidates() throws {
        let schema = try JSONSchema([
            "type": "object",
            "properties": [
                "color": ["type": "string", "default": "blue"],
                "size": ["type": "integer", "default": 3],
                "inner": ["$ref": "#/definitions/inner"],
            ],
            "definitions": ["inner": ["type": "object", "properties": ["deep": ["default": true]]]],
        ])
        let filled = try schema.validateFillingDefaults(["size": 9, "inner": [:]]).get()
        #expect(filled == ["color": "blue", "size": 9, "inner": ["deep": true]])
        let invalid = try JSONSchema(["properties": ["n": ["type": "string", "default": 5]]])
        guard case .failure(let errors) = invalid.validateFillingDefaults([:]) else {
            Issue.record("a default that violates the schema must fail")
            return
        }
        #expect(errors.errors.map(\.instancePath) == ["/n"])
    }

    @Test func namedValidatorsAreFormats() throws {
        let even: NamedValidator = { value in (value.intValue ?? 0) % 2 == 0 ? nil : "\(value) is odd" }
        let schema = try JSONSchema(["format": "even"], formats: ["even": even])
        #expect(schema.isValid(4))
        #expect(schema.validate(3).map(\.message) == ["3 is odd"])
        #expect(try JSONSchema(["format": "unknown-format"]).isValid("anything"))
    }

    @Test func invalidSchemasDoNotCompile() {
        #expect(throws: SchemaCompileError.self) { _ = try JSONSchema(["$ref": "#/definitions/missing"]) }
        #expect(throws: SchemaCompileError.self) { _ = try JSONSchema(["pattern": "("]) }
        #expect(throws: SchemaCompileError.self) { _ = try JSONSchema(["minLength": -1]) }
        #expect(throws: SchemaCompileError.self) { _ = try JSONSchema(5) }
    }
}
