import ArgumentParser
import Foundation
import MetagovCore
import MetagovPostgres
import MetagovSQLite

/// `metagovd migrate-data --from sqlite:PATH --to postgres://...`: moves an SQLite deployment to PostgreSQL.
public struct MigrateDataCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "migrate-data",
        abstract: "Copy everything from an SQLite database into a PostgreSQL database, then verify the counts.",
        discussion: """
            Copies communities, plugin instances and their state, processes and their entries (a poll's \
            ballots), events with their cursors (and the last cursor issued, so new events continue after them), \
            identities, API tokens, webhook subscriptions, the outbox and the plugin types plugin hosts \
            registered, keeping every id, in one transaction: a failed copy leaves the target \
            as it was. Then compares the number of rows of every table. A target that already holds data is \
            refused unless --replace is given (which deletes what it holds first). Stop the gateways using \
            either database while it runs.
            """)

    @Option(help: "The SQLite database to copy: sqlite:PATH (or a path).")
    var from: String

    @Option(help: "The PostgreSQL database to copy into: postgres://USER[:PASSWORD]@HOST[:PORT]/DB.")
    var to: String

    @Flag(help: "Delete what the target holds before copying (otherwise a non-empty target is refused).")
    var replace = false

    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for a connection to PostgreSQL.")
    var connectTimeout: Double = 5

    public init() {}

    public func run() async throws {
        guard case .sqlite(let path) = try DatabaseLocation(from) else {
            throw ValidationError("--from must be an SQLite database (sqlite:PATH), got '\(from)'")
        }
        guard case .postgres(let url) = try DatabaseLocation(to) else {
            throw ValidationError("--to must be a PostgreSQL URL (postgres://USER[:PASSWORD]@HOST[:PORT]/DB)")
        }
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("--from: no SQLite database at '\(path)'") }
        let replace = self.replace
        let options = PostgresStoreOptions(poolSize: 1, connectTimeout: connectTimeout, queryTimeout: 600)
        // The copy blocks on both databases: a thread of its own, not the cooperative pool.
        let report = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    try DataCopy(source: SQLiteStore(path: path), target: PostgresImporter(url: url, options: options))
                        .run(replacing: replace, targetName: url.description)
                })
            }
        }
        Output.print(report)
    }
}

/// The copy itself.
private struct DataCopy {
    let source: SQLiteStore
    let target: PostgresImporter

    static let batchSize = 2000

    func run(replacing: Bool, targetName: String) throws -> JSONValue {
        let (existing, counters) = try target.counts()
        let held = existing.filter { $0.value > 0 }
        if !replacing && (!held.isEmpty || counters.lastCursor > 0) {
            let what = held.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            throw ValidationError(
                "\(targetName) already holds data (\(what.isEmpty ? "events were written there" : what)); pass --replace to delete it and copy anyway")
        }
        try target.begin(replacing: replacing)
        var copied: [String: Int64] = [:]
        do {
            for table in StoredTables.all {
                var count: Int64 = 0
                try source.exportRows(of: table, batchSize: Self.batchSize) { rows in
                    try target.insert(rows, into: table)
                    count += Int64(rows.count)
                }
                copied[table.name] = count
            }
            try target.commit(counters: source.eventLogCounters())
        } catch {
            target.rollback()
            throw error
        }
        let (stored, storedCounters) = try target.counts()
        var mismatches: [String] = []
        for table in StoredTables.all {
            let expected = try source.rowCount(of: table)
            if stored[table.name] != expected || copied[table.name] != expected {
                mismatches.append("\(table.name): \(expected) in the source, \(stored[table.name] ?? 0) in the target")
            }
        }
        guard mismatches.isEmpty else {
            throw MetagovError(.internal, "the copy does not match the source: \(mismatches.joined(separator: "; "))")
        }
        return [
            "copied": .object(JSONObject(copied.mapValues { JSONValue.integer(Int($0)) })),
            "last_cursor": .integer(Int(storedCounters.lastCursor)),
            "verified": true,
        ]
    }
}
