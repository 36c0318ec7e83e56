import GRDB
import GRDBSQLite

/// A value bound to a statement parameter.
protocol SQLBindable: Sendable {
    /// Binds the value to parameter `index` (1-based); returns SQLite's result code.
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32
}

/// The parameters of a statement, in order.
typealias SQLArguments = [any SQLBindable]

/// SQLite copies the bound bytes.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Int64: SQLBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, self) }
}

extension Int: SQLBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, Int64(self)) }
}

extension Double: SQLBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_double(statement, index, self) }
}

extension Bool: SQLBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, self ? 1 : 0) }
}

extension String: SQLBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        var text = self
        return text.withUTF8 { sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), transient) }
    }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        guard let self else { return sqlite3_bind_null(statement, index) }
        return self.bind(to: statement, at: index)
    }
}

/// Statements run on the connection's prepared-statement cache through SQLite's C API: no per-call allocation
/// of argument arrays, cursors or rows beyond what the caller decodes.
extension Database {
    /// Runs `body` with the prepared statement of `sql` (prepared once per connection), `arguments` bound; the
    /// statement is reset afterwards, whatever happens.
    func withStatement<T>(_ sql: String, _ arguments: SQLArguments, _ body: (OpaquePointer) throws -> T) throws -> T {
        let statement = try cachedStatement(sql: sql).sqliteStatement
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, argument) in arguments.enumerated() {
            let code = argument.bind(to: statement, at: Int32(offset + 1))
            guard code == SQLITE_OK else { throw lastError(code, sql) }
        }
        return try body(statement)
    }

    /// Steps `statement`: true with a row to read, false when it is done.
    func step(_ statement: OpaquePointer, _ sql: String) throws -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw lastError(code, sql)
        }
    }

    /// Runs `sql` to completion.
    func run(_ sql: String, _ arguments: SQLArguments = []) throws {
        try withStatement(sql, arguments) { statement in
            while try step(statement, sql) {}
        }
    }

    /// The error SQLite reports for the failed call that returned `code`, as GRDB's `DatabaseError` (extended code
    /// included, so constraint violations can be told apart).
    private func lastError(_ code: Int32, _ sql: String) -> DatabaseError {
        let extended = sqliteConnection.map { sqlite3_extended_errcode($0) } ?? code
        let message = sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: sql)
    }
}
