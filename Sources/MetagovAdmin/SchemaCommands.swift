import ArgumentParser
import MetagovCore

package struct SchemaCommand: ParsableCommand {
    package init() {}
    package static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "JSON-Schema (draft 7) tools.", subcommands: [Validate.self])

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a JSON instance against a schema: exit 0 when valid, 1 when invalid (errors listed).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Schema file (JSON).") var schema: String
        @Option(help: "Instance file (JSON).") var instance: String

        func run() throws {
            let compiled: JSONSchema
            do {
                compiled = try JSONSchema(try readJSONFile(schema))
            } catch let error as SchemaCompileError {
                throw ValidationError("invalid schema '\(schema)': \(error)")
            }
            let errors = compiled.validate(try readJSONFile(instance))
            Output.print(["valid": .bool(errors.isEmpty), "errors": .array(errors.map { error in
                ["instance_path": .string(error.instancePath), "schema_path": .string(error.schemaPath),
                 "keyword": .string(error.keyword), "message": .string(error.message)]
            })])
            if !errors.isEmpty { throw ExitCode(1) }
        }
    }
}
