import Foundation
import Logging

/// What plugin code (actions, process hooks, initialize, periodic tasks, webhook receivers) works with: its
/// instance, persistent state, events and processes.
///
/// State writes, emitted events and process changes are buffered and saved in one transaction when the
/// hook returns; if it throws, none of them happen. Identity changes (``identity``) are saved at once.
///
/// The persistent state is keyed: ``state(_:)`` reads one key and ``setState(_:_:)`` writes one key, without
/// reading or writing the others, so a state with many keys costs a hook only the keys it touches. What a hook
/// read is checked when it commits (optimistic concurrency by value): hooks touching different keys never
/// conflict; a hook whose keys changed meanwhile runs again.
public final class PluginContext: Sendable {
    /// The plugin instance the hook runs for.
    public let instance: PluginInstance
    private let baseLogger: Logger
    /// Identity operations for the instance's community, saved immediately.
    public let identity: IdentityService

    /// 1 for the first run of the hook; more when it runs again after a write conflict.
    package let attempt: Int

    private let store: any Store
    private let pending: PendingWrites
    private let processCache: ReadCache<Int64, GovernanceProcess?>
    private let clock: any WallClock
    /// The event types the plugin may emit; `nil`: any.
    private let declaredEventTypes: Set<String>?
    private let work = Locked(Work())

    struct Work: Sendable {
        /// State values read, by key (`nil`: absent), checked at commit.
        var stateReads: [String: JSONValue?] = [:]
        /// The whole state, when read as a whole, checked at commit.
        var wholeState: [String: JSONValue]?
        var stateChanges: [String: JSONValue?] = [:]
        var events: [NewEvent] = []
        var processes: [Int64: ProcessHandle] = [:]
        /// The instance's new community platform id (`.some(nil)`: cleared), saved with the unit of work.
        var communityPlatformID: String??
        /// Accounts to link when the unit of work is saved.
        var linkedAccounts: [RemoteEffects.LinkedAccountRequest] = []
        /// What a webhook receiver returned, for the platform's HTTP response.
        var webhookResponse: JSONValue?

        /// Whether the hook asked for no write at all (what it read then needs no check).
        var writesNothing: Bool {
            stateChanges.isEmpty && events.isEmpty && processes.isEmpty && communityPlatformID == nil
                && linkedAccounts.isEmpty
        }
    }

    init(
        instance: PluginInstance, store: any Store, pending: PendingWrites, processCache: ReadCache<Int64, GovernanceProcess?>,
        clock: any WallClock, logger: Logger, declaredEventTypes: Set<String>?, identity: IdentityService, attempt: Int
    ) {
        self.instance = instance
        self.store = store
        self.pending = pending
        self.processCache = processCache
        self.clock = clock
        self.baseLogger = logger
        self.declaredEventTypes = declaredEventTypes
        self.identity = identity
        self.attempt = attempt
    }

    /// The instance's configuration (validated, defaults filled in).
    public var config: JSONValue { instance.config }

    /// A logger tagged with the plugin and community (built on use, keeping it off the hot path).
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "plugin"] = "\(instance.name)"
        logger[metadataKey: "community"] = "\(instance.community)"
        return logger
    }

    /// Slug of the instance's community.
    public var community: String { instance.community }

    /// The current time from the core's clock.
    public func now() -> Date { clock.now() }

    // MARK: State

    /// The persistent state value for `key`, including this hook's unsaved writes. Reads only that key.
    public func state(_ key: String) async throws -> JSONValue? {
        if let known = work.withLock({ $0.stateChanges[key] ?? $0.stateReads[key] ?? $0.wholeState.map { $0[key] } }) {
            return known
        }
        let id = instance.id
        let value: JSONValue?
        if let queued = pending.value(.pluginState(pluginID: id, key: key)) {
            value = queued
        } else {
            value = try await store.readTranslatingErrors { try $0.pluginState(pluginID: id, key: key) }
        }
        return work.withLock { work in
            if let known = work.stateChanges[key] ?? work.stateReads[key] { return known }
            work.stateReads[key] = .some(value)
            return value
        }
    }

    /// The whole persistent state, including this hook's unsaved writes. Reads every key: prefer ``state(_:)``.
    public func allState() async throws -> [String: JSONValue] {
        var state: [String: JSONValue]
        if let whole = work.value.wholeState {
            state = whole
        } else {
            let id = instance.id
            state = try await store.readTranslatingErrors { try $0.pluginState(pluginID: id) }
            for (key, value) in pending.pluginStateValues(pluginID: id) { state[key] = value }
            let read = state
            work.withLock { $0.wholeState = $0.wholeState ?? read }
        }
        for (key, value) in work.withLock({ $0.stateChanges }) { state[key] = value }
        return state
    }

    /// Sets (or, with `nil`, removes) a persistent state value, leaving the other keys alone.
    public func setState(_ key: String, _ value: JSONValue?) {
        work.withLock { $0.stateChanges[key] = .some(value) }
    }

    // MARK: Events

    /// Emits an event to drivers (Metagov's `send_event_to_driver`). `eventType` must be one the plugin type
    /// declares, unless the type accepts undeclared event types.
    public func emit(_ eventType: String, data: JSONValue = [:], initiator: JSONValue = [:]) throws {
        guard declaredEventTypes?.contains(eventType) ?? true else {
            throw PluginError.internal("event type '\(eventType)' is not declared by plugin '\(instance.name)'")
        }
        let event = NewEvent(
            community: instance.community, source: instance.name, pluginID: instance.id, eventType: eventType,
            data: data, initiator: initiator, timestamp: clock.now())
        work.withLock { $0.events.append(event) }
    }

    // MARK: Processes

    /// A process of this plugin instance, for reading and changing; throws ``PluginError/notFound(_:)`` when
    /// no such process belongs to the instance.
    public func process(id: Int64) async throws -> ProcessHandle {
        if let handle = work.withLock({ $0.processes[id] }) { return handle }
        guard let process = try await loadProcess(id), process.pluginID == instance.id else {
            throw PluginError.notFound("process \(id) not found for plugin '\(instance.name)' in community '\(instance.community)'")
        }
        return adopt(process)
    }

    /// Process `id` as the writes queued before this unit of work leave it, else as stored (read through the
    /// core's cache of process records, which every commit changing the process and every conflict on it drop).
    func loadProcess(_ id: Int64) async throws -> GovernanceProcess? {
        if let queued = pending.process(id) { return queued }
        return try await processCache.value(id, keep: { $0 != nil }) {
            try await store.readTranslatingErrors { try $0.process(id: id) }
        }
    }

    /// Registers `process` as part of this unit of work and returns its handle; a new process (being started) is
    /// inserted when the unit commits.
    @discardableResult
    func adopt(_ process: GovernanceProcess, isNew: Bool = false) -> ProcessHandle {
        work.withLock { work in
            if let existing = work.processes[process.id] { return existing }
            let handle = ProcessHandle(process, isNew: isNew, source: EntrySource(store: store, pending: pending))
            work.processes[process.id] = handle
            return handle
        }
    }

    // MARK: Identity

    /// Links an account on this plugin's platform to a person (Metagov's `add_linked_account`): the
    /// platform type is the plugin name and the community platform id the instance's. Creates a new
    /// metagov id when `externalID` is `nil`; an existing link is only replaced by one of higher quality.
    @discardableResult
    public func addLinkedAccount(
        platformIdentifier: String, externalID: Int64? = nil, customData: JSONValue = [:],
        linkType: LinkType = .unknown, linkQuality: LinkQuality = .unknown
    ) async throws -> LinkedAccount {
        try await identity.addLinkedAccount(
            community: instance.community, platformType: instance.name, platformIdentifier: platformIdentifier,
            communityPlatformID: instance.communityPlatformID, externalID: externalID, customData: customData,
            linkType: linkType, linkQuality: linkQuality)
    }

    /// Links an account (as ``addLinkedAccount(platformIdentifier:externalID:customData:linkType:linkQuality:)``)
    /// when the unit of work is saved, together with everything else the hook did.
    package func addLinkedAccountOnCommit(_ request: RemoteEffects.LinkedAccountRequest) {
        work.withLock { $0.linkedAccounts.append(request) }
    }

    /// Changes the instance's community platform id (`nil` clears it) when the unit of work is saved; another
    /// instance of the type in the community with that id makes the save fail with ALREADY_EXISTS.
    package func setCommunityPlatformID(_ id: String?) {
        work.withLock { $0.communityPlatformID = .some(id) }
    }

    /// Records what a webhook receiver returned, for the platform's HTTP response.
    package func respondToWebhook(_ value: JSONValue) {
        work.withLock { $0.webhookResponse = value }
    }

    /// What a webhook receiver returned, if it returned something.
    var webhookResponse: JSONValue? { work.withLock { $0.webhookResponse } }

    // MARK: Commit

    /// What the hook wants saved.
    var pendingWork: Work { work.value }
}
