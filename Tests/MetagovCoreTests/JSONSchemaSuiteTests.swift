import Foundation
import MetagovCore
import Testing

/// Runs the official JSON-Schema test suite (draft 7) from `../shared/json-schema-test-suite`.
@Suite struct JSONSchemaSuiteTests {
    static let suiteRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/json-schema-test-suite")

    /// Every file of `remotes/`, keyed by the URI the suite serves it at.
    static func remotes() throws -> [String: JSONValue] {
        let folder = suiteRoot.appendingPathComponent("remotes")
        var remotes: [String: JSONValue] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "json" else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
            remotes["http://localhost:1234/" + relative] = try JSONValue(parsing: [UInt8](Data(contentsOf: url)))
        }
        return remotes
    }

    /// Runs the files and returns (passed, failures).
    static func run(_ files: [URL], remotes: [String: JSONValue]) throws -> (Int, [String]) {
        var passed = 0
        var failures: [String] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            guard let groups = try JSONValue(parsing: [UInt8](Data(contentsOf: file))).arrayValue else { continue }
            for group in groups {
                let description = group["description"]?.stringValue ?? "?"
                let schema: JSONSchema
                do {
                    schema = try JSONSchema(group["schema"] ?? true, remotes: remotes)
                } catch {
                    failures.append("\(file.lastPathComponent): \(description): schema did not compile: \(error)")
                    continue
                }
                for test in group["tests"]?.arrayValue ?? [] {
                    let expected = test["valid"]?.boolValue ?? false
                    let errors = schema.validate(test["data"] ?? .null)
                    if errors.isEmpty == expected && schema.isValid(test["data"] ?? .null) == expected {
                        passed += 1
                    } else {
                        failures.append("\(file.lastPathComponent): \(description): \(test["description"]?.stringValue ?? "?") (expected \(expected ? "valid" : "invalid"))")
                    }
                }
            }
        }
        return (passed, failures)
    }

    static func jsonFiles(in folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
    }

    @Test func requiredDraft7TestsAllPass() throws {
        let folder = Self.suiteRoot.appendingPathComponent("tests/draft7")
        try #require(FileManager.default.fileExists(atPath: folder.path), "JSON-Schema test suite missing at \(folder.path)")
        let (passed, failures) = try Self.run(Self.jsonFiles(in: folder), remotes: Self.remotes())
        print("JSON-Schema draft7 required: \(passed) passed, \(failures.count) failed")
        for failure in failures { print("  FAIL \(failure)") }
        #expect(passed > 800)
        #expect(failures.isEmpty)
    }

    @Test func optionalFormatTestsPass() throws {
        let folder = Self.suiteRoot.appendingPathComponent("tests/draft7/optional/format")
        try #require(FileManager.default.fileExists(atPath: folder.path), "JSON-Schema test suite missing at \(folder.path)")
        let formats = ["date-time", "date", "time", "email", "hostname", "ipv4", "ipv6", "uri", "uri-reference",
                       "json-pointer", "relative-json-pointer", "regex"]
        let files = formats.map { folder.appendingPathComponent("\($0).json") }
        let (passed, failures) = try Self.run(files, remotes: [:])
        print("JSON-Schema draft7 optional formats: \(passed) passed, \(failures.count) failed")
        for failure in failures { print("  FAIL \(failure)") }
        #expect(failures.isEmpty)
    }
}
