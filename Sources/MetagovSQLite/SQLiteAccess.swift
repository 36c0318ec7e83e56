import Foundation
import GRDB
import MetagovCore

/// The store's reader and writer inside one GRDB transaction.
struct SQLiteAccess: StoreWriter {
    let db: Database

    /// Rows of a cached prepared statement.
    func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func row(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// Runs an insert or update, translating a uniqueness violation into ``StoreError/alreadyExists(_:)``.
    func executeUnique(_ sql: String, _ arguments: StatementArguments, what: @autoclosure () -> String) throws {
        do {
            try execute(sql, arguments)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        {
            throw StoreError.alreadyExists(what())
        }
    }

    var now: Double { Date().timeIntervalSince1970 }
}

/// JSON and time column coding.
enum Column {
    static func json(_ value: JSONValue) -> String { value.serialized(sortedKeys: false) }

    static func json(_ text: String?) -> JSONValue? {
        guard let text else { return nil }
        return try? JSONValue(parsing: text)
    }

    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }
}
