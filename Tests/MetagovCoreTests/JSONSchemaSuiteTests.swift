import Foundation
import MetagovCore
import Testing

/// Runs the official JSON-Schema test suite (draft 7) from `../shared/json-schema-test-suite`, beside the package;
/// skipped, saying why, where it is not there (the project builds and tests without it).
@Suite(
    .enabled(
        if: JSONSchemaSuiteLocation.isPresent,
        "the official JSON-Schema test suite is not at ../shared/json-schema-test-suite beside the package: clone https://github.com/json-schema-org/JSON-Schema-Test-Suite there to run it"))
struct JSONSchemaSuiteTests {
    static var suiteRoot: URL { JSONSchemaSuiteLocation.root }

    /// The formats the validator implements, whose optional suite files must all pass.
    static let implementedFormats = [
        "date-time", "date", "time", "email", "hostname", "ipv4", "ipv6", "uri", "uri-reference", "json-pointer",
        "relative-json-pointer", "regex",
    ]

    /// The suite's folder `relative` (e.g. "tests/draft7"), or a test failure naming where it was looked for.
    static func folder(_ relative: String) throws -> URL {
        let folder = suiteRoot.appendingPathComponent(relative)
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory)
        try #require(
            exists && isDirectory.boolValue,
            "JSON-Schema test suite not found at \(folder.standardizedFileURL.path): clone https://github.com/json-schema-org/JSON-Schema-Test-Suite to \(suiteRoot.standardizedFileURL.path)")
        return folder
    }

    /// Every file of `remotes/`, keyed by the URI the suite serves it at (`http://localhost:1234/<path>`).
    static func remotes() throws -> [String: JSONValue] {
        let folder = try Self.folder("remotes").standardizedFileURL
        var remotes: [String: JSONValue] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "json" else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(folder.path.count + 1))
            remotes["http://localhost:1234/" + relative] = try JSONValue(parsing: Data(contentsOf: url))
        }
        try #require(remotes["http://localhost:1234/integer.json"] != nil, "remotes/integer.json missing from the suite")
        return remotes
    }

    /// The outcome of running suite files.
    struct Outcome {
        var passed = 0
        /// "file: group description: test description (expected ...)".
        var failures: [String] = []
    }

    /// Runs every test of `files`: each must be reported valid or invalid as the suite expects, by both
    /// `validate` and `isValid`.
    static func run(_ files: [URL], remotes: [String: JSONValue]) throws -> Outcome {
        var outcome = Outcome()
        for file in files.sorted(by: { $0.path < $1.path }) {
            let name = file.deletingPathExtension().lastPathComponent
            let groups = try #require(try JSONValue(parsing: Data(contentsOf: file)).arrayValue, "\(name) is not an array")
            for group in groups {
                let description = group["description"]?.stringValue ?? "?"
                let tests = group["tests"]?.arrayValue ?? []
                let schema: JSONSchema
                do {
                    schema = try JSONSchema(group["schema"] ?? true, remotes: remotes)
                } catch {
                    for test in tests {
                        outcome.failures.append(
                            "\(name): \(description): \(test["description"]?.stringValue ?? "?"): schema did not compile: \(error)")
                    }
                    continue
                }
                for test in tests {
                    let expected = test["valid"]?.boolValue ?? false
                    let data = test["data"] ?? .null
                    let errors = schema.validate(data)
                    let quick = schema.isValid(data)
                    if errors.isEmpty == expected && quick == expected {
                        outcome.passed += 1
                    } else {
                        var failure = "\(name): \(description): \(test["description"]?.stringValue ?? "?")"
                        failure += " (expected \(expected ? "valid" : "invalid"); validate: \(errors.isEmpty ? "valid" : "\(errors)"); isValid: \(quick))"
                        outcome.failures.append(failure)
                    }
                }
            }
        }
        return outcome
    }

    static func jsonFiles(in folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
    }

    @Test func requiredDraft7TestsAllPass() throws {
        let folder = try Self.folder("tests/draft7")
        let outcome = try Self.run(Self.jsonFiles(in: folder), remotes: Self.remotes())
        print("JSON-Schema draft7 required: \(outcome.passed) passed, \(outcome.failures.count) failed")
        for failure in outcome.failures { print("  FAIL \(failure)") }
        #expect(outcome.passed > 900, "the suite looks incomplete")
        #expect(outcome.failures.isEmpty, "\(outcome.failures.count) failures:\n\(outcome.failures.joined(separator: "\n"))")
    }

    @Test func optionalFormatTestsPass() throws {
        let folder = try Self.folder("tests/draft7/optional/format")
        let files = Self.implementedFormats.map { folder.appendingPathComponent("\($0).json") }
        for file in files {
            try #require(FileManager.default.fileExists(atPath: file.path), "missing \(file.path)")
        }
        let outcome = try Self.run(files, remotes: [:])
        print("JSON-Schema draft7 optional formats: \(outcome.passed) passed, \(outcome.failures.count) failed")
        for failure in outcome.failures { print("  FAIL \(failure)") }
        #expect(outcome.passed > 400, "the format files look incomplete")
        #expect(outcome.failures.isEmpty, "\(outcome.failures.count) failures:\n\(outcome.failures.joined(separator: "\n"))")
    }

    /// The other optional files (bignum, ECMA-262 regex, content, IDN formats...) are not required: their counts are
    /// printed for information only.
    @Test func otherOptionalTestsAreReported() throws {
        let optional = try Self.folder("tests/draft7/optional")
        let format = optional.appendingPathComponent("format")
        let implemented = Set(Self.implementedFormats.map { $0 + ".json" })
        let files = try Self.jsonFiles(in: optional)
            + Self.jsonFiles(in: format).filter { !implemented.contains($0.lastPathComponent) }
        let remotes = try Self.remotes()
        var lines: [String] = []
        var total = Outcome()
        for file in files.sorted(by: { $0.path < $1.path }) {
            let outcome = try Self.run([file], remotes: remotes)
            total.passed += outcome.passed
            total.failures += outcome.failures
            let name = file.path.dropFirst(optional.path.count + 1).dropLast(5)
            lines.append("  \(name): \(outcome.passed) passed, \(outcome.failures.count) not passing")
        }
        print("JSON-Schema draft7 other optional (informational): \(total.passed) passed, \(total.failures.count) not passing")
        print(lines.joined(separator: "\n"))
    }
}

/// Where the official suite is looked for: `<package root>/../shared/json-schema-test-suite`, found from this file's
/// path so any clone placed beside `shared/` finds it.
enum JSONSchemaSuiteLocation {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/MetagovCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .deletingLastPathComponent()  // its parent
        .appendingPathComponent("shared/json-schema-test-suite")

    /// Whether the suite is there to run.
    static var isPresent: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: root.appendingPathComponent("tests/draft7").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
}
