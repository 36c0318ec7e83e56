import MetagovCore
import PostgresNIO

/// Kinds of writes a batch holds back (``HeldBackWrites``); a statement names those it does not depend on.
struct HeldBackKinds: OptionSet {
    let rawValue: Int

    static let processInserts = HeldBackKinds(rawValue: 1)
    static let processUpdates = HeldBackKinds(rawValue: 2)
    static let eventInserts = HeldBackKinds(rawValue: 4)
    static let processEntries = HeldBackKinds(rawValue: 8)
    /// What a statement touching none of the tables concerned names (the held-back statements themselves, which
    /// ``HeldBackWrites`` orders).
    static let all: HeldBackKinds = [.processInserts, .processUpdates, .eventInserts, .processEntries]
    /// What a statement touching plugin state, deliveries or process entries (others than those the batch wrote,
    /// see ``BatchKnowledge/entry(_:)``) names: they may refer to a process inserted in the batch, not to its
    /// other columns, to events or to the entries written.
    static let otherThanProcessRows: HeldBackKinds = [.processUpdates, .eventInserts, .processEntries]
}

/// Writes that units of a batch made, held back and sent as one statement per kind just before the next
/// statement that depends on them (any awaited statement does), or the batch's end: a batch of starts costs one
/// process insert, a batch of votes into one poll one update of the poll, one write of the ballots and one event
/// insert, rather than one per unit.
///
/// A held-back statement belongs to every unit with a write in it, and it was sent after statements of later
/// units: its failure makes the writer perform the batch again settling each unit (see ``WriterThread``),
/// where every unit's writes are sent at its end and a failure is its own.
final class HeldBackWrites {
    private var processInserts: [(process: GovernanceProcess, stamped: Double)] = []
    private var processInsertOwners: [Int] = []
    private var processUpdate: HeldBackProcessUpdate?
    private var events: [(event: NewEvent, cursor: Int64, time: Double)] = []
    private var eventOwners: [Int] = []
    /// Entry writes, the last value of each entry (nil: removed), in the order first written.
    private var entryWrites: [BatchKnowledge.EntryKey: JSONValue?] = [:]
    private var entryOrder: [BatchKnowledge.EntryKey] = []
    private var entryOwners: [Int] = []

    /// Holds back the insert of `process` stamped `stamped`.
    func insert(_ process: GovernanceProcess, stamped: Double, on connection: BlockingConnection) {
        connection.countHeldBack()
        processInserts.append((process, stamped))
        Self.add(connection.unit, to: &processInsertOwners)
    }

    /// Holds back the update of `process` (read at `process.version`) stamped `stamped`: with the update held
    /// back, when it is of the same process and left it at that version, the two are one update.
    func update(_ process: GovernanceProcess, stamped: Double, on connection: BlockingConnection) {
        if let held = processUpdate, held.process.id != process.id || held.process.version + 1 != process.version {
            send(on: connection, except: [.processInserts, .eventInserts])
        }
        // Sending held-back inserts first: the update may be of a process inserted in this batch.
        send(on: connection, except: [.processUpdates, .eventInserts])
        connection.countHeldBack()
        if var held = processUpdate {
            held.chain(process, stamped: stamped, unit: connection.unit)
            processUpdate = held
        } else {
            processUpdate = HeldBackProcessUpdate(process: process, stamped: stamped, unit: connection.unit)
        }
    }

    /// Holds back the insert of `events` with cursors from `first` on, at `times`.
    func insert(_ newEvents: [NewEvent], first: Int64, times: [Double], on connection: BlockingConnection) {
        connection.countHeldBack()
        for (index, event) in newEvents.enumerated() { events.append((event, first + Int64(index), times[index])) }
        Self.add(connection.unit, to: &eventOwners)
    }

    /// Holds back writing `changes` to the entries of process `processID` (nil: removing the entry).
    func write(entries changes: [String: JSONValue?], ofProcess processID: Int64, on connection: BlockingConnection) {
        guard !changes.isEmpty else { return }
        connection.countHeldBack()
        for (key, value) in changes {
            let entry = BatchKnowledge.EntryKey(processID: processID, key: key)
            if entryWrites.updateValue(value, forKey: entry) == nil { entryOrder.append(entry) }
        }
        Self.add(connection.unit, to: &entryOwners)
    }

    /// Sends what is held back, except the kinds in `kept`.
    func send(on connection: BlockingConnection, except kept: HeldBackKinds) {
        if !kept.contains(.processInserts) { sendProcessInserts(on: connection) }
        if !kept.contains(.processEntries) { sendEntries(on: connection) }
        if !kept.contains(.processUpdates), let held = processUpdate {
            processUpdate = nil
            held.send(on: connection)
        }
        if !kept.contains(.eventInserts) { sendEvents(on: connection) }
    }

    private static func add(_ unit: Int?, to owners: inout [Int]) {
        if let unit, owners.last != unit { owners.append(unit) }
    }

    private func sendProcessInserts(on connection: BlockingConnection) {
        guard !processInserts.isEmpty else { return }
        let processes = processInserts.map(\.process)
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
                  processes.map { $0.callbackURL ?? "" }, processInserts.map(\.stamped), processes.map { $0.url ?? "" }, nulls),
            independentOf: .all, heldBackFor: processInsertOwners,
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
        processInserts.removeAll(keepingCapacity: true)
        processInsertOwners.removeAll(keepingCapacity: true)
    }

    /// One statement inserts or replaces every entry set, one deletes every entry removed.
    private func sendEntries(on connection: BlockingConnection) {
        guard !entryOrder.isEmpty else { return }
        let set = entryOrder.compactMap { entry in entryWrites[entry].flatMap { $0 }.map { (entry, StoredJSON.text($0)) } }
        let removed = entryOrder.filter { entryWrites[$0] == .some(nil) }
        let translate: (any Error) -> (any Error)? = { error in
            // The foreign key names the missing process in its detail: "Key (process_id)=(5) is not present…".
            guard PostgresFailure.sqlState(error) == "23503" else { return nil }
            let detail = PostgresFailure.detail(error) ?? ""
            return set.first { detail.contains("=(\($0.0.processID))") }.map {
                StoreError.notFound(ProcessRow.describe(id: $0.0.processID))
            }
        }
        if !set.isEmpty {
            connection.send(
                """
                INSERT INTO process_entry (process_id, key, value)
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])
                ON CONFLICT (process_id, key) DO UPDATE SET value = excluded.value
                """,
                binds(set.map(\.0.processID), set.map(\.0.key), set.map(\.1)), independentOf: .all,
                heldBackFor: entryOwners, translate: translate)
        }
        if !removed.isEmpty {
            connection.send(
                "DELETE FROM process_entry WHERE (process_id, key) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))",
                binds(removed.map(\.processID), removed.map(\.key)), independentOf: .all, heldBackFor: entryOwners)
        }
        entryWrites.removeAll(keepingCapacity: true)
        entryOrder.removeAll(keepingCapacity: true)
        entryOwners.removeAll(keepingCapacity: true)
    }

    private func sendEvents(on connection: BlockingConnection) {
        guard !events.isEmpty else { return }
        let communities = events.map(\.event.community)
        connection.send(
            """
            INSERT INTO event (cursor, community, source, plugin_id, event_type, timestamp, data, initiator)
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::float8[], $7::text[],
                                 $8::text[])
            """,
            binds(events.map(\.cursor), communities, events.map(\.event.source), events.map(\.event.pluginID),
                  events.map(\.event.eventType), events.map(\.time), events.map { StoredJSON.text($0.event.data) },
                  events.map { StoredJSON.text($0.event.initiator) }),
            independentOf: .all, heldBackFor: eventOwners,
            translate: { error in
                // The foreign key names the missing community in its detail: "Key (community)=(x) is not present…".
                guard PostgresFailure.sqlState(error) == "23503" else { return nil }
                let detail = PostgresFailure.detail(error) ?? ""
                return communities.first { detail.contains("=(\($0))") }.map { StoreError.notFound(CommunityRow.describe($0)) }
            })
        events.removeAll(keepingCapacity: true)
        eventOwners.removeAll(keepingCapacity: true)
    }
}

/// Updates of one process by consecutive units, each building on the version the one before left: one update
/// from the first one's version to the last one's values.
private struct HeldBackProcessUpdate {
    private(set) var process: GovernanceProcess
    private let firstVersion: Int64
    private var stamped: Double
    private var owners: [Int] = []

    init(process: GovernanceProcess, stamped: Double, unit: Int?) {
        self.process = process
        firstVersion = process.version
        self.stamped = stamped
        if let unit { owners.append(unit) }
    }

    mutating func chain(_ next: GovernanceProcess, stamped: Double, unit: Int?) {
        (process, self.stamped) = (next, stamped)
        if let unit, owners.last != unit { owners.append(unit) }
    }

    func send(on connection: BlockingConnection) {
        let id = process.id
        connection.send(
            """
            UPDATE process SET status = $1, outcome = $2, errors = $3, state = $4, url = $5, updated_at = $6, version = $7
            WHERE id = $8 AND version = $9
            """,
            binds(process.status.rawValue, StoredJSON.text(process.outcome), StoredJSON.text(process.errors),
                  StoredJSON.text(process.state), process.url, stamped, process.version + 1, id, firstVersion),
            independentOf: .all, heldBackFor: owners,
            check: { result in
                // The batch wrote the process and deleted none since: no row updated means another version.
                guard result.metadata.rows == 1 else { throw StoreError.conflict(ProcessRow.describe(id: id)) }
            })
    }
}
