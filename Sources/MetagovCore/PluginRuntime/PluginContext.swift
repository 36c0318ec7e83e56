import Foundation
import Logging

/// What plugin code (actions, process hooks, initialize, periodic tasks, webhook receivers) works with: its
/// instance, persistent state, events and processes.
///
/// State writes, emitted events and process changes are buffered and saved in one transaction when the
/// hook returns; if it throws, none of them happen. Identity changes (``identity``) are saved at once.
public final class PluginContext: Sendable {
    /// The plugin instance the hook runs for.
    public let instance: PluginInstance
    private let baseLogger: Logger
    /// Identity operations for the instance's community, saved immediately.
    public let identity: IdentityService

    /// 1 for the first run of the hook; more when it runs again after a write conflict.
    package let attempt: Int

    private let store: any Store
    private let clock: any WallClock
    /// The event types the plugin may emit; `nil`: any.
    private let declaredEventTypes: Set<String>?
    private let work = Locked(Work())

    struct Work: Sendable {
        var loadedState: [String: JSONValue]?
        var stateVersion: Int64?
        var stateChanges: [String: JSONValue?] = [:]
        var events: [NewEvent] = []
        var processes: [Int64: ProcessHandle] = [:]
        /// The instance's new community platform id (`.some(nil)`: cleared), saved with the unit of work.
        var communityPlatformID: String??
        /// Accounts to link when the unit of work is saved.
        var linkedAccounts: [RemoteEffects.LinkedAccountRequest] = []
        /// What a webhook receiver returned, for the platform's HTTP response.
        var webhookResponse: JSONValue?
    }

    init(
        instance: PluginInstance, store: any Store, clock: any WallClock, logger: Logger,
        declaredEventTypes: Set<String>?, identity: IdentityService, attempt: Int
    ) {
        self.instance = instance
        self.store = store
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

    /// The persistent state value for `key`, including this hook's unsaved writes.
    public func state(_ key: String) async throws -> JSONValue? {
        if let change = work.withLock({ $0.stateChanges[key] }) { return change }
        return try await loadState()[key]
    }

    /// The whole persistent state, including this hook's unsaved writes.
    public func allState() async throws -> [String: JSONValue] {
        var state = try await loadState()
        for (key, value) in work.withLock({ $0.stateChanges }) { state[key] = value }
        return state
    }

    /// Sets (or, with `nil`, removes) a persistent state value.
    public func setState(_ key: String, _ value: JSONValue?) {
        work.withLock { $0.stateChanges[key] = .some(value) }
    }

    /// The whole persistent state with this hook's unsaved writes, and the version of the stored state it
    /// was read at (0 before the first write).
    package func stateSnapshot() async throws -> (state: [String: JSONValue], version: Int64) {
        let state = try await allState()
        return (state, work.withLock { $0.stateVersion } ?? 0)
    }

    private func loadState() async throws -> [String: JSONValue] {
        if let state = work.withLock({ $0.loadedState }) { return state }
        let id = instance.id
        let (state, version) = try await store.readTranslatingErrors { reader in
            (try reader.pluginState(pluginID: id), try reader.pluginStateVersion(pluginID: id))
        }
        work.withLock {
            $0.loadedState = state
            $0.stateVersion = version
        }
        return state
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
        guard let process = try await store.readTranslatingErrors({ try $0.process(id: id) }), process.pluginID == instance.id else {
            throw PluginError.notFound("process \(id) not found for plugin '\(instance.name)' in community '\(instance.community)'")
        }
        return adopt(process)
    }

    /// Registers `process` as part of this unit of work and returns its handle.
    @discardableResult
    func adopt(_ process: GovernanceProcess) -> ProcessHandle {
        work.withLock { work in
            if let existing = work.processes[process.id] { return existing }
            let handle = ProcessHandle(process)
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
