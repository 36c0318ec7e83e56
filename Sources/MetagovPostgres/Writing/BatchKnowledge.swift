import Foundation
import MetagovCore

/// What the writer thread knows of the database during one write batch, so that units need not ask it again.
///
/// A batch holds the cluster-wide write lock from its first statement to its commit (see ``WriterThread``):
/// nothing but the batch itself changes what is written meanwhile, so what the batch read once after taking the
/// lock, updated by what its own units write, stays true until the commit. A unit that fails is rolled back to
/// its savepoint, and what it taught the batch with it (``unitBegins()`` / ``unitFailed()``).
final class BatchKnowledge {
    /// The columns of a process that an update leaves as they are.
    struct ProcessColumns {
        let pluginID: Int64
        let community: String
        let plugin: String
        let name: String
        let callbackURL: String?
        let createdAt: Date
    }

    /// The event log's counter (`event_log_state.last_cursor`) as the batch's units have left it; nil until a
    /// unit needed it. The batch stores it before its commit when a unit moved it (``cursorMoved``).
    var lastCursor: Int64? {
        didSet { undo.append(.lastCursor(oldValue)) }
    }
    /// Whether a unit appended events (and so moved ``lastCursor`` past the stored counter).
    var cursorMoved = false {
        didSet { undo.append(.cursorMoved(oldValue)) }
    }
    /// Webhook subscriptions as read in this batch, by community filter (nil: all communities).
    var webhookSubscriptions: [String?: [WebhookSubscription]] = [:] {
        didSet { undo.append(.webhookSubscriptions(oldValue)) }
    }
    /// One entry of one process.
    struct EntryKey: Hashable {
        let processID: Int64
        let key: String
    }

    /// The stored columns an update leaves alone, of processes the batch inserted or updated.
    private var processes: [Int64: ProcessColumns] = [:]
    /// Process entries the batch wrote (nil: removed).
    private var entries: [EntryKey: JSONValue?] = [:]
    /// How to undo what the current unit taught, latest last.
    private var undo: [Undo] = []

    private enum Undo {
        case lastCursor(Int64?)
        case cursorMoved(Bool)
        case webhookSubscriptions([String?: [WebhookSubscription]])
        case process(Int64, ProcessColumns?)
        case processes([Int64: ProcessColumns], [EntryKey: JSONValue?])
        case entry(EntryKey, JSONValue??)
    }

    func columns(ofProcess id: Int64) -> ProcessColumns? { processes[id] }

    func learn(_ columns: ProcessColumns, ofProcess id: Int64) {
        undo.append(.process(id, processes[id]))
        processes[id] = columns
    }

    /// What the batch wrote to an entry: `.some(nil)` when it removed it, nil when it did not write it.
    func entry(_ key: EntryKey) -> JSONValue?? { entries[key] }

    func learn(entry key: EntryKey, _ value: JSONValue?) {
        undo.append(.entry(key, entries[key]))
        entries[key] = .some(value)
    }

    /// Forgets every process and entry (some were deleted).
    func forgetProcesses() {
        guard !processes.isEmpty || !entries.isEmpty else { return }
        undo.append(.processes(processes, entries))
        processes.removeAll()
        entries.removeAll()
    }

    /// A unit starts: what it teaches from now on can be undone.
    func unitBegins() { undo.removeAll(keepingCapacity: true) }

    /// The unit was rolled back: forgets what it taught.
    func unitFailed() {
        let steps = undo
        for step in steps.reversed() {
            switch step {
            case .lastCursor(let value): lastCursor = value
            case .cursorMoved(let value): cursorMoved = value
            case .webhookSubscriptions(let value): webhookSubscriptions = value
            case .process(let id, let value): processes[id] = value
            case .processes(let value, let written): (processes, entries) = (value, written)
            case .entry(let key, let value): entries[key] = value
            }
        }
        undo.removeAll(keepingCapacity: true)
    }
}

extension BatchKnowledge.ProcessColumns {
    init(_ process: GovernanceProcess) {
        (pluginID, community, plugin, name) = (process.pluginID, process.community, process.plugin, process.name)
        (callbackURL, createdAt) = (process.callbackURL, process.createdAt)
    }

    /// `process` with these columns.
    func applied(to process: GovernanceProcess) -> GovernanceProcess {
        var process = process
        (process.pluginID, process.community, process.plugin, process.name) = (pluginID, community, plugin, name)
        (process.callbackURL, process.createdAt) = (callbackURL, createdAt)
        return process
    }
}
