import GRDB
import MetagovCore

/// Read access to one open GRDB transaction; the read queries live in per-concern extensions of this protocol
/// (communities, plugins, processes, events, identity) and serve both ``SQLiteReader`` and ``SQLiteWriter``.
///
/// Every query runs on the connection's prepared-statement cache (``GRDB/Database/withStatement(_:_:_:)``), so each
/// distinct SQL text is prepared once per connection, and rows are decoded in place (``StoredRow``).
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
    func fetchAll<T>(_ sql: String, _ arguments: SQLArguments = [], _ decode: (StoredRow) throws -> T) throws -> [T] {
        try db.withStatement(sql, arguments) { statement in
            var result: [T] = []
            while try db.step(statement, sql) { result.append(try decode(StoredRow(statement: statement))) }
            return result
        }
    }

    /// Decodes the first row of a cached statement, if any.
    func fetchOne<T>(_ sql: String, _ arguments: SQLArguments = [], _ decode: (StoredRow) throws -> T) throws -> T? {
        try db.withStatement(sql, arguments) { statement in
            try db.step(statement, sql) ? try decode(StoredRow(statement: statement)) : nil
        }
    }

    /// Whether a cached query returns any row.
    func exists(_ sql: String, _ arguments: SQLArguments) throws -> Bool {
        try db.withStatement(sql, arguments) { try db.step($0, sql) }
    }
}

/// Builds `WHERE` clauses from the filters that are present.
struct Conditions {
    private(set) var clauses: [String] = []
    private(set) var arguments: SQLArguments = []

    mutating func add(_ clause: String, _ argument: some SQLBindable) {
        clauses.append(clause)
        arguments.append(argument)
    }

    mutating func add<V: SQLBindable>(_ clause: String, ifPresent argument: V?) {
        if let argument { add(clause, argument) }
    }

    var sql: String { clauses.isEmpty ? "1" : clauses.joined(separator: " AND ") }
}

/// A non-negative `LIMIT` (SQLite reads a negative one as "no limit").
func sqlLimit(_ limit: Int) -> Int { max(0, limit) }
