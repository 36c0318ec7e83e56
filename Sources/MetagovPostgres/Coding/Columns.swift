import Foundation
import MetagovCore
import PostgresNIO

/// Decoding the columns of a result row by position, with failures that name the column.
extension PostgresRandomAccessRow {
    func value<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        do {
            return try self[index].decode(T.self, context: .default)
        } catch {
            throw PostgresStoreError.storedValue("column \(self[index].columnName) cannot be read as \(T.self)")
        }
    }

    /// A JSON document stored as text.
    func json(_ index: Int) throws -> JSONValue {
        try StoredJSON.decode(value(index, as: String.self), column: self[index].columnName)
    }

    /// The JSON text of column `index`, checked but not parsed (events: read once, their texts go to subscribers
    /// as they are).
    func validatedJSONText(_ index: Int) throws -> [UInt8] {
        let text = Array(try value(index, as: String.self).utf8)
        do {
            try JSONValue.validate(text)
        } catch {
            throw PostgresStoreError.storedValue("column \(self[index].columnName) holds invalid JSON: \(error)")
        }
        return text
    }

    func optionalJSON(_ index: Int) throws -> JSONValue? {
        try value(index, as: String?.self).map { try StoredJSON.decode($0, column: self[index].columnName) }
    }

    func jsonObject(_ index: Int) throws -> JSONObject {
        guard let object = try json(index).objectValue else {
            throw PostgresStoreError.storedValue("column \(self[index].columnName) does not hold a JSON object")
        }
        return object
    }

    /// A time stored as seconds since 1970.
    func date(_ index: Int) throws -> Date { Date(timeIntervalSince1970: try value(index, as: Double.self)) }

    func optionalDate(_ index: Int) throws -> Date? { try value(index, as: Double?.self).map(Date.init(timeIntervalSince1970:)) }

    /// An enum stored as its raw value.
    func rawValue<E: RawRepresentable>(_ index: Int, as type: E.Type) throws -> E where E.RawValue == String {
        let raw = try value(index, as: String.self)
        guard let decoded = E(rawValue: raw) else {
            throw PostgresStoreError.storedValue("column \(self[index].columnName) holds an unknown value '\(raw)'")
        }
        return decoded
    }
}

/// Statement parameters, in order; `nil` binds NULL.
func binds(_ values: (any PostgresDynamicTypeEncodable)?...) -> PostgresBindings {
    var bindings = PostgresBindings(capacity: values.count)
    for value in values {
        if let value { bindings.append(value) } else { bindings.appendNull() }
    }
    return bindings
}

/// JSON documents are stored as compact JSON text (column type `text`): exact for every ``JSONValue``
/// (integers stay integers, numbers keep their precision, members in key order) and identical to what the
/// SQLite store keeps, so data moves between the two unchanged.
enum StoredJSON {
    static func text(_ value: JSONValue) -> String { value.serialized() }

    static func text(_ value: JSONValue?) -> String? { value.map(text) }

    static func text(_ object: JSONObject) -> String { text(.object(object)) }

    static func decode(_ text: String, column: String) throws -> JSONValue {
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw PostgresStoreError.storedValue("column \(column) holds invalid JSON: \(error)")
        }
    }
}

/// Times are stored as `double precision` seconds since 1970, like the SQLite store's REAL: a write takes its
/// time stamp as that number and builds the returned `Date` from it, so returned and re-read dates are equal.
enum StoredTime {
    static func now() -> Double { Date().timeIntervalSince1970 }

    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }
}
