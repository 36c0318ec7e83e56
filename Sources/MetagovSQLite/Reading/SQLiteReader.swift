import GRDB
import MetagovCore

/// Read access to one open GRDB transaction; the read queries live in per-concern extensions of this protocol
/// (communities, plugins, processes, events, identity) and serve both ``SQLiteReader`` and ``SQLiteWriter``.
///
/// Every query goes through `cachedStatement`, so each distinct SQL text is prepared once per connection.
/// Queries built from optional filters assemble their SQL only from which filters are present (never from
/// their values; sets go through `json_each`), which bounds the number of cached statements.
protocol SQLiteReading: StoreReader {
    var db: Database { get }
}

/// The ``StoreReader`` handed to ``SQLiteStore/read(_:)`` bodies.
struct SQLiteReader: SQLiteReading {
    let db: Database
}

extension SQLiteReading {
    /// Decodes every row of a cached statement.
    func fetchAll<T>(_ sql: String, _ arguments: StatementArguments = [], _ decode: (Row) throws -> T) throws -> [T] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var result: [T] = []
        while let row = try rows.next() { result.append(try decode(row)) }
        return result
    }

    /// Decodes the first row of a cached statement, if any.
    func fetchOne<T>(_ sql: String, _ arguments: StatementArguments = [], _ decode: (Row) throws -> T) throws -> T? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map(decode)
    }

    /// Whether a cached query returns any row.
    func exists(_ sql: String, _ arguments: StatementArguments) throws -> Bool {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments) != nil
    }
}

/// Builds `WHERE` clauses from the filters that are present.
struct Conditions {
    private(set) var clauses: [String] = []
    private(set) var arguments = StatementArguments()

    mutating func add(_ clause: String, _ argument: some DatabaseValueConvertible) {
        clauses.append(clause)
        arguments += [argument]
    }

    mutating func add<V: DatabaseValueConvertible>(_ clause: String, ifPresent argument: V?) {
        if let argument { add(clause, argument) }
    }

    var sql: String { clauses.isEmpty ? "1" : clauses.joined(separator: " AND ") }
}

/// A non-negative `LIMIT` (SQLite reads a negative one as "no limit").
func sqlLimit(_ limit: Int) -> Int { max(0, limit) }
