import MetagovCore
import PostgresNIO

/// Read access to one open transaction; the read queries live in per-concern extensions of this protocol
/// (communities, plugins, processes, events, identity, outbound) and serve both ``PostgresReader`` and
/// ``PostgresWriter``. Each call is one statement, sent and awaited on the transaction's connection.
protocol PostgresReading: StoreReader {
    var connection: BlockingConnection { get }
}

/// The ``StoreReader`` handed to ``PostgresStore/read(_:)`` bodies.
struct PostgresReader: PostgresReading {
    let connection: BlockingConnection
}

extension PostgresReading {
    /// Decodes every row of a statement.
    func fetchAll<T>(_ sql: String, _ binds: PostgresBindings = PostgresBindings(), _ decode: (PostgresRandomAccessRow) throws -> T)
        throws -> [T]
    {
        try connection.run(sql, binds).rows.map { try decode($0.makeRandomAccess()) }
    }

    /// Decodes the first row of a statement, if any.
    func fetchOne<T>(_ sql: String, _ binds: PostgresBindings = PostgresBindings(), _ decode: (PostgresRandomAccessRow) throws -> T)
        throws -> T?
    {
        try connection.run(sql, binds).rows.first.map { try decode($0.makeRandomAccess()) }
    }

    /// The first column of the first row as `T`, if there is a row.
    func fetchValue<T: PostgresDecodable>(_ sql: String, _ binds: PostgresBindings = PostgresBindings(), as type: T.Type = T.self)
        throws -> T?
    {
        try fetchOne(sql, binds) { try $0.value(0, as: T.self) }
    }

    /// Whether a query returns any row.
    func exists(_ sql: String, _ binds: PostgresBindings) throws -> Bool {
        try !connection.run(sql, binds).rows.isEmpty
    }
}

/// Builds `WHERE` clauses from the filters that are present, numbering the parameters.
struct Conditions {
    private(set) var clauses: [String] = []
    private(set) var binds = PostgresBindings()

    /// Adds `clause`, whose `?` is replaced by the next parameter number.
    mutating func add(_ clause: String, _ value: some PostgresDynamicTypeEncodable) {
        binds.append(value)
        clauses.append(clause.replacingOccurrences(of: "?", with: "$\(binds.count)"))
    }

    mutating func add<V: PostgresDynamicTypeEncodable>(_ clause: String, ifPresent value: V?) {
        if let value { add(clause, value) }
    }

    var sql: String { clauses.isEmpty ? "true" : clauses.joined(separator: " AND ") }

    /// The placeholder of the parameter after the conditions' (for `LIMIT`).
    mutating func next(_ value: some PostgresDynamicTypeEncodable) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }
}

/// A non-negative `LIMIT`.
func sqlLimit(_ limit: Int) -> Int64 { Int64(max(0, limit)) }
