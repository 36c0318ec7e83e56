import MetagovCore
import PostgresNIO

/// Processes that units of a batch inserted, held back and sent as one statement just before the next other
/// statement (or the batch's end): a batch of starts costs one insert rather than one per unit.
///
/// The statement belongs to every unit with a row in it: its failure is one unit's when it holds one unit's
/// rows, else the writer performs the batch again settling each unit (see ``WriterThread``), where each unit's
/// rows are sent at its end.
final class HeldBackProcessInserts {
    private var rows: [(process: GovernanceProcess, stamped: Double)] = []
    private var owners: [Int] = []

    /// Holds back the insert of `process` stamped `stamped`, for the unit `unit`.
    func add(_ process: GovernanceProcess, stamped: Double, unit: Int?, on connection: BlockingConnection) {
        connection.countHeldBack()
        rows.append((process, stamped))
        if let unit, owners.last != unit { owners.append(unit) }
    }

    /// Sends the rows held back, if any, as one statement.
    func send(on connection: BlockingConnection) {
        guard !rows.isEmpty else { return }
        let processes = rows.map(\.process)
        // Absent values travel as empty strings flagged in `nulls` (bit 0 outcome, 1 errors, 2 callback, 3 url):
        // arrays hold no NULLs here.
        let nulls = processes.map { process in
            Int64((process.outcome == nil ? 1 : 0) | (process.errors == nil ? 2 : 0) | (process.callbackURL == nil ? 4 : 0)
                | (process.url == nil ? 8 : 0))
        }
        connection.send(
            """
            INSERT INTO process (id, plugin_id, community, plugin, name, status, outcome, errors, state, callback_url,
                                 created_at, updated_at, version, url)
            SELECT id, plugin_id, community, plugin, name, status, CASE WHEN nulls & 1 = 0 THEN outcome END,
                   CASE WHEN nulls & 2 = 0 THEN errors END, state, CASE WHEN nulls & 4 = 0 THEN callback_url END,
                   stamped, stamped, 1, CASE WHEN nulls & 8 = 0 THEN url END
            FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                        $9::text[], $10::text[], $11::float8[], $12::text[], $13::bigint[])
                AS p(id, plugin_id, community, plugin, name, status, outcome, errors, state, callback_url, stamped, url, nulls)
            """,
            binds(processes.map(\.id), processes.map(\.pluginID), processes.map(\.community), processes.map(\.plugin),
                  processes.map(\.name), processes.map(\.status.rawValue), processes.map { StoredJSON.text($0.outcome) ?? "" },
                  processes.map { StoredJSON.text($0.errors) ?? "" }, processes.map { StoredJSON.text($0.state) },
                  processes.map { $0.callbackURL ?? "" }, rows.map(\.stamped), processes.map { $0.url ?? "" }, nulls),
            owners: owners,
            translate: { error in
            // The violated key names the row in the detail: "Key (id)=(5) already exists", "Key (plugin_id)=(7)…".
            let detail = PostgresFailure.detail(error) ?? ""
            switch PostgresFailure.sqlState(error) {
            case "23505":
                let process = processes.first { detail.contains("=(\($0.id))") } ?? processes[0]
                return StoreError.alreadyExists(ProcessRow.describe(id: process.id))
            case "23503":
                let process = processes.first { detail.contains("=(\($0.pluginID))") } ?? processes[0]
                return StoreError.notFound(PluginRow.describe(id: process.pluginID))
            default:
                return nil
            }
        })
        rows.removeAll(keepingCapacity: true)
        owners.removeAll(keepingCapacity: true)
    }
}
