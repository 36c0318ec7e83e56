import Foundation
import GRDB
import MetagovCore

/// A stored value the store cannot read back (a corrupt or hand-edited database).
struct StoredValueError: Error, CustomStringConvertible {
    var description: String
}

/// JSON documents are stored as compact JSON text: exact for every ``JSONValue`` (integers stay integers,
/// numbers keep their full precision, strings keep their code points) and readable with SQLite's JSON functions.
enum StoredJSON {
    static func text(_ value: JSONValue) -> String { value.serialized() }

    static func text(_ value: JSONValue?) -> String? { value.map(text) }

    /// The JSON text of an object.
    static func text(_ object: JSONObject) -> String { text(.object(object)) }

    /// A JSON array of strings, for `IN (SELECT value FROM json_each(?))` set filters, which keep one prepared
    /// statement whatever the size of the set.
    static func array(_ strings: Set<String>) -> String { text(.array(strings.map(JSONValue.string))) }

    /// A JSON array of integers, for `json_each` set filters.
    static func array(_ integers: [Int64]) -> String { text(.array(integers.map { .integer(Int($0)) })) }

    /// Parsed documents by their text, shared by every store of the process.
    static let cache = ParsedJSONCache()

    /// The JSON document in column `index` (`nil` for NULL), parsed through ``cache``.
    static func optional(_ row: StoredRow, _ index: Int, column: String) throws -> JSONValue? {
        try row.withText(atIndex: index) { text in
            guard let text else { return nil }
            do {
                return try cache.value(of: text)
            } catch {
                throw StoredValueError(description: "column \(column) holds invalid JSON: \(error)")
            }
        }
    }

    static func value(_ row: StoredRow, _ index: Int, column: String) throws -> JSONValue {
        guard let value = try optional(row, index, column: column) else {
            throw StoredValueError(description: "column \(column) is NULL")
        }
        return value
    }

    /// The JSON text in column `index`, checked but not parsed (events: read once, so not cached, and their texts
    /// go to subscribers as they are).
    static func validatedText(_ row: StoredRow, _ index: Int, column: String) throws -> [UInt8] {
        try row.withText(atIndex: index) { text in
            guard let text else { throw StoredValueError(description: "column \(column) is NULL") }
            let bytes = text.copy()
            do {
                try JSONValue.validate(bytes)
            } catch {
                throw StoredValueError(description: "column \(column) holds invalid JSON: \(error)")
            }
            return bytes
        }
    }

    static func object(_ row: StoredRow, _ index: Int, column: String) throws -> JSONObject {
        guard let object = try value(row, index, column: column).objectValue else {
            throw StoredValueError(description: "column \(column) does not hold a JSON object")
        }
        return object
    }
}

/// Times are stored as REAL seconds since 1970 (sub-microsecond precision for current dates). A write takes
/// its time stamp as that number and builds the returned `Date` from it, so returned and re-read dates are
/// equal.
enum StoredTime {
    static func now() -> Double { Date().timeIntervalSince1970 }

    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

    static func date(_ row: StoredRow, _ index: Int) throws -> Date {
        date(try row.decode(Double.self, atIndex: index))
    }
}

/// Enums are stored as their raw values.
enum StoredEnum {
    static func decode<E: RawRepresentable>(_ type: E.Type, _ row: StoredRow, _ index: Int, column: String) throws -> E
    where E.RawValue == String {
        let raw = try row.decode(String.self, atIndex: index)
        guard let value = E(rawValue: raw) else {
            throw StoredValueError(description: "column \(column) holds an unknown value '\(raw)'")
        }
        return value
    }
}
