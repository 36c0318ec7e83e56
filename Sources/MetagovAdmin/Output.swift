import ArgumentParser
import Foundation
import MetagovCore

/// How `metagovd` writes results: JSON on standard output.
package enum Output {
    package static func print(_ value: JSONValue) {
        Swift.print(value.serialized(pretty: true))
    }

    package static func print(_ value: some JSONRepresentable) { print(value.json) }

    package static func print(_ values: [some JSONRepresentable]) { print(.array(values.map(\.json))) }
}

/// Parses a command-line JSON argument, naming the option on failure.
func parseJSONArgument(_ text: String?, option: String) throws -> JSONValue? {
    guard let text else { return nil }
    do {
        return try JSONValue(parsing: text)
    } catch {
        throw ValidationError("--\(option) is not valid JSON: \(error)")
    }
}

/// Reads and parses a JSON file, naming it on failure.
func readJSONFile(_ path: String) throws -> JSONValue {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("cannot read '\(path)'")
    }
    do {
        return try JSONValue(parsing: [UInt8](data))
    } catch {
        throw ValidationError("'\(path)' is not valid JSON: \(error)")
    }
}
