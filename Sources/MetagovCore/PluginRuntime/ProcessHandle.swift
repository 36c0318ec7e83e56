import Foundation

/// A governance process as a hook sees it: reads and writes go to a working copy that is saved when the
/// hook returns successfully.
///
/// Besides its small `state` (saved with the process), a process has keyed *entries* (``entry(_:)``,
/// ``setEntry(_:_:)``): each is its own record, read and written alone, so a process can hold many of them (a
/// poll's votes) and a hook that touches one entry costs the same however many there are. Concurrent hooks that
/// write different entries of one process do not conflict.
public final class ProcessHandle: Sendable {
    private let working: Locked<Working>
    private let entries: Locked<EntryWork>
    private let source: EntrySource
    /// The process as it was loaded (for a process being started: as it was built).
    let original: GovernanceProcess
    /// Whether the process is being started: it is inserted, not updated, when the unit of work commits.
    let isNew: Bool

    /// The entries a hook read and wrote.
    struct EntryWork: Sendable {
        /// Values read (`nil`: absent), checked when the unit of work commits.
        var reads: [String: JSONValue?] = [:]
        /// Values written (`nil`: removed).
        var changes: [String: JSONValue?] = [:]
    }

    init(_ process: GovernanceProcess, isNew: Bool, source: EntrySource) {
        original = process
        self.isNew = isNew
        self.source = source
        working = Locked(Working(process: process))
        entries = Locked(EntryWork())
    }

    public var id: Int64 { original.id }
    public var name: String { original.name }
    public var callbackURL: String? { original.callbackURL }
    public var createdAt: Date { original.createdAt }

    public var status: ProcessStatus {
        get { working.value.process.status }
        set { working.withLock { $0.set(\.status, newValue, .status) } }
    }

    public var outcome: JSONValue? {
        get { working.value.process.outcome }
        set { working.withLock { $0.set(\.outcome, newValue, .outcome) } }
    }

    public var errors: JSONValue? {
        get { working.value.process.errors }
        set { working.withLock { $0.set(\.errors, newValue, .errors) } }
    }

    /// Where people take part in the process on its platform (Metagov's `url`); `nil` when unknown.
    public var url: String? {
        get { working.value.process.url }
        set { working.withLock { $0.set(\.url, newValue, .url) } }
    }

    /// The process's private state value for `key`.
    public func state(_ key: String) -> JSONValue? { working.value.process.state[key] }

    /// Sets (or, with `nil`, removes) a private state value.
    public func setState(_ key: String, _ value: JSONValue?) {
        working.withLock { working in
            working.touched.insert(.state)
            working.process.state[key] = value
        }
    }

    /// The whole private state.
    public var allState: JSONObject { working.value.process.state }

    // MARK: Entries

    /// The entry `key` (`nil` when absent), including this hook's unsaved writes. Reads only that entry.
    public func entry(_ key: String) async throws -> JSONValue? {
        if let known = entries.withLock({ $0.changes[key] ?? $0.reads[key] }) { return known }
        // A process being started has no stored entries yet.
        guard !isNew else { return nil }
        let value = try await source.entry(processID: original.id, key: key)
        return entries.withLock { work in
            if let known = work.changes[key] ?? work.reads[key] { return known }
            work.reads[key] = .some(value)
            return value
        }
    }

    /// Sets (or, with `nil`, removes) the entry `key`, leaving the others alone.
    public func setEntry(_ key: String, _ value: JSONValue?) {
        entries.withLock { $0.changes[key] = .some(value) }
    }

    /// The working copy.
    var current: GovernanceProcess { working.value.process }

    /// Whether the hook changed the process record (its entries aside): only the fields it set are compared.
    var isModified: Bool {
        working.withLock { working in
            let touched = working.touched, process = working.process
            return (touched.contains(.status) && process.status != original.status)
                || (touched.contains(.outcome) && process.outcome != original.outcome)
                || (touched.contains(.errors) && process.errors != original.errors)
                || (touched.contains(.url) && process.url != original.url)
                || (touched.contains(.state) && process.state != original.state)
        }
    }

    /// The working copy and which of its fields the hook set.
    private struct Working: Sendable {
        var process: GovernanceProcess
        var touched: Fields = []

        mutating func set<Value>(_ field: WritableKeyPath<GovernanceProcess, Value>, _ value: Value, _ flag: Fields) {
            touched.insert(flag)
            process[keyPath: field] = value
        }
    }

    /// The fields a hook can set.
    private struct Fields: OptionSet, Sendable {
        let rawValue: UInt8
        static let status = Fields(rawValue: 1 << 0)
        static let outcome = Fields(rawValue: 1 << 1)
        static let errors = Fields(rawValue: 1 << 2)
        static let url = Fields(rawValue: 1 << 3)
        static let state = Fields(rawValue: 1 << 4)
    }

    /// The entries read and written.
    var entryWork: EntryWork { entries.value }
}

/// Where a ``ProcessHandle`` reads entries: writes queued by other units of work first, then the store.
struct EntrySource: Sendable {
    let store: any Store
    let pending: PendingWrites

    func entry(processID: Int64, key: String) async throws -> JSONValue? {
        if let queued = pending.value(.processEntry(processID: processID, key: key)) { return queued }
        return try await store.readTranslatingErrors { try $0.processEntry(processID: processID, key: key) }
    }
}

/// What a process hook works with: its plugin instance's context and the process itself.
public struct ProcessContext: Sendable {
    public let plugin: PluginContext
    public let process: ProcessHandle

    public init(plugin: PluginContext, process: ProcessHandle) {
        self.plugin = plugin
        self.process = process
    }

    /// The plugin instance's configuration.
    public var config: JSONValue { plugin.config }

    /// The current time from the core's clock.
    public func now() -> Date { plugin.now() }
}
