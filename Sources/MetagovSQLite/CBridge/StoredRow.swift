import GRDBSQLite

/// The current row of a statement being stepped, read column by column through SQLite's C API; valid until the
/// statement steps again.
struct StoredRow {
    let statement: OpaquePointer

    /// Column `index` (0-based) as a `T`; throws ``StoredValueError`` when it holds NULL and `T` is not optional.
    func decode<T: StoredColumn>(_ type: T.Type = T.self, atIndex index: Int) throws -> T {
        try T(self, Int32(index))
    }

    /// Whether column `index` is NULL.
    func isNull(_ index: Int32) -> Bool { sqlite3_column_type(statement, index) == SQLITE_NULL }

    /// The bytes of a TEXT or BLOB column (`nil` for NULL), valid only during `body`.
    func withText<T>(atIndex index: Int, _ body: (StoredText?) throws -> T) rethrows -> T {
        let column = Int32(index)
        guard !isNull(column) else { return try body(nil) }
        // Ask for the text first, then its length, as SQLite documents.
        let text = sqlite3_column_text(statement, column)
        let count = Int(sqlite3_column_bytes(statement, column))
        return try body(StoredText(bytes: UnsafeRawBufferPointer(start: text, count: count)))
    }
}

/// A Swift type a column decodes to.
protocol StoredColumn {
    init(_ row: StoredRow, _ index: Int32) throws
}

extension StoredColumn {
    fileprivate static func nonNull(_ row: StoredRow, _ index: Int32) throws {
        if row.isNull(index) {
            throw StoredValueError(description: "column \(index) holds NULL where \(Self.self) is expected")
        }
    }
}

extension Int64: StoredColumn {
    init(_ row: StoredRow, _ index: Int32) throws {
        try Self.nonNull(row, index)
        self = sqlite3_column_int64(row.statement, index)
    }
}

extension Int: StoredColumn {
    init(_ row: StoredRow, _ index: Int32) throws {
        try Self.nonNull(row, index)
        self = Int(sqlite3_column_int64(row.statement, index))
    }
}

extension Double: StoredColumn {
    init(_ row: StoredRow, _ index: Int32) throws {
        try Self.nonNull(row, index)
        self = sqlite3_column_double(row.statement, index)
    }
}

extension Bool: StoredColumn {
    init(_ row: StoredRow, _ index: Int32) throws {
        try Self.nonNull(row, index)
        self = sqlite3_column_int64(row.statement, index) != 0
    }
}

extension String: StoredColumn {
    init(_ row: StoredRow, _ index: Int32) throws {
        try Self.nonNull(row, index)
        self = row.withText(atIndex: Int(index)) { text in text?.string ?? "" }
    }
}

extension Optional: StoredColumn where Wrapped: StoredColumn {
    init(_ row: StoredRow, _ index: Int32) throws {
        self = row.isNull(index) ? nil : try Wrapped(row, index)
    }
}
