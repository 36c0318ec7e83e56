import Foundation

/// Filter for listing governance processes; `nil` fields match everything.
public struct ProcessFilter: Sendable, Hashable {
    public var community: String?
    public var plugin: String?
    public var pluginID: Int64?
    public var name: String?
    public var status: ProcessStatus?

    public init(
        community: String? = nil, plugin: String? = nil, pluginID: Int64? = nil, name: String? = nil,
        status: ProcessStatus? = nil
    ) {
        self.community = community
        self.plugin = plugin
        self.pluginID = pluginID
        self.name = name
        self.status = status
    }
}

/// Filter for reading the event log; `nil` or empty fields match everything.
public struct EventFilter: Sendable, Hashable {
    public var community: String?
    /// Names of source plugin types to include.
    public var sources: Set<String>
    public var eventTypes: Set<String>

    public init(community: String? = nil, sources: Set<String> = [], eventTypes: Set<String> = []) {
        self.community = community
        self.sources = sources
        self.eventTypes = eventTypes
    }

    /// Whether `event` passes this filter.
    public func matches(_ event: Event) -> Bool {
        (community == nil || community == event.community)
            && (sources.isEmpty || sources.contains(event.source))
            && (eventTypes.isEmpty || eventTypes.contains(event.eventType))
    }
}

/// Filter for looking up linked accounts; `nil` fields match everything. A `communityPlatformID` of `""`
/// matches only accounts that have no community platform id.
public struct AccountFilter: Sendable, Hashable {
    public var community: String
    public var platformType: String?
    public var platformIdentifier: String?
    public var communityPlatformID: String?

    public init(
        community: String, platformType: String? = nil, platformIdentifier: String? = nil,
        communityPlatformID: String? = nil
    ) {
        self.community = community
        self.platformType = platformType
        self.platformIdentifier = platformIdentifier
        self.communityPlatformID = communityPlatformID
    }
}

/// Read operations available inside any transaction.
///
/// Listing methods are keyset-paged: they return items strictly after the given key, in key order, at most
/// `limit` of them.
public protocol StoreReader {
    func community(slug: String) throws -> Community?
    /// Communities ordered by slug, after `afterSlug` when given.
    func communities(afterSlug: String?, limit: Int) throws -> [Community]

    func plugin(id: Int64) throws -> PluginInstance?
    /// The instance of plugin type `name` in `community`; with `communityPlatformID == nil`, the one
    /// whose platform id is absent.
    func plugin(community: String, name: String, communityPlatformID: String?) throws -> PluginInstance?
    /// Every instance of plugin type `name` in `community`, whatever its platform id, ordered by id.
    func plugins(community: String, name: String) throws -> [PluginInstance]
    /// Every instance in `community` ordered by id.
    func plugins(community: String) throws -> [PluginInstance]
    /// Every instance of the communities whose slugs are in `slugs` (a range of slugs, as a page of communities
    /// covers), ordered by community slug, then id.
    func plugins(communities slugs: ClosedRange<String>) throws -> [PluginInstance]
    /// Every instance of every community ordered by id (for periodic tasks).
    func allPlugins() throws -> [PluginInstance]
    /// The persistent key/value state of a plugin instance.
    func pluginState(pluginID: Int64) throws -> [String: JSONValue]
    /// One key of a plugin instance's state, `nil` when absent; reads nothing else.
    func pluginState(pluginID: Int64, key: String) throws -> JSONValue?

    func process(id: Int64) throws -> GovernanceProcess?
    /// One keyed entry of a process (see ``StoreWriter/updateProcessEntries(processID:changes:expecting:)``),
    /// `nil` when absent; reads nothing else.
    func processEntry(processID: Int64, key: String) throws -> JSONValue?
    /// Processes matching `filter` ordered by id, after `afterID` when given.
    func processes(matching filter: ProcessFilter, afterID: Int64?, limit: Int) throws -> [GovernanceProcess]

    /// Events matching `filter` with a cursor greater than `afterCursor`, in cursor order.
    func events(matching filter: EventFilter, afterCursor: Int64, limit: Int) throws -> [Event]
    /// The greatest cursor in the log, 0 when it is empty.
    func lastEventCursor() throws -> Int64
    /// The highest cursor retention has deleted (0: none): resuming after an older cursor would skip events.
    func eventsPrunedThrough() throws -> Int64

    func metagovID(externalID: Int64) throws -> MetagovID?
    /// Every id of the merged group whose primary is `primaryExternalID`, ordered by id.
    func metagovIDs(primaryExternalID: Int64) throws -> [MetagovID]
    /// The primary ids of `community`, ordered by id.
    func primaryMetagovIDs(community: String) throws -> [MetagovID]
    /// Linked accounts matching `filter`, ordered by (external id, platform type, identifier).
    func linkedAccounts(matching filter: AccountFilter) throws -> [LinkedAccount]
    /// Linked accounts of any of `externalIDs`.
    func linkedAccounts(externalIDs: [Int64]) throws -> [LinkedAccount]
    /// The API token `id`, revoked or not.
    func apiToken(id: Int64) throws -> APIToken?
    /// Every API token, by id.
    func apiTokens() throws -> [APIToken]
    func webhookSubscription(id: Int64) throws -> WebhookSubscription?
    /// The subscriptions of `community` (nil: all), by id.
    func webhookSubscriptions(community: String?) throws -> [WebhookSubscription]
    func delivery(id: Int64) throws -> OutboundDelivery?
    /// Deliveries by id after `afterID`, optionally of one subscription and/or status.
    func deliveries(webhookID: Int64?, community: String?, status: DeliveryStatus?, afterID: Int64?, limit: Int) throws -> [OutboundDelivery]
    /// How many deliveries are pending (due or waiting for a retry): the outbox's depth.
    func pendingDeliveryCount() throws -> Int
    /// The definitions of the plugin types plugin hosts registered, by name (JSON objects the core wrote).
    func remotePluginTypeDefinitions() throws -> [String: JSONValue]
}

/// Write operations, available inside ``Store/write(_:)`` only. Each write stamps `updatedAt` (and
/// `createdAt` on insert) with the current time.
public protocol StoreWriter: StoreReader {
    /// Inserts a community; throws ``StoreError/alreadyExists(_:)`` when the slug is taken.
    func insertCommunity(slug: String, readableName: String) throws -> Community
    /// Renames a community; throws ``StoreError/notFound(_:)`` when it does not exist.
    func updateCommunity(slug: String, readableName: String) throws -> Community
    /// Deletes a community and everything it owns (plugins, their state, processes, identities, events).
    /// Returns whether it existed.
    func deleteCommunity(slug: String) throws -> Bool

    /// Inserts a plugin instance; throws ``StoreError/alreadyExists(_:)`` when (community, name, platform id)
    /// is taken and ``StoreError/notFound(_:)`` when the community does not exist.
    func insertPlugin(community: String, name: String, communityPlatformID: String?, config: JSONValue) throws
        -> PluginInstance
    /// Replaces an instance's config (and platform id); throws ``StoreError/notFound(_:)`` when missing.
    func updatePlugin(id: Int64, communityPlatformID: String?, config: JSONValue) throws -> PluginInstance
    /// Deletes an instance with its state and processes. Returns whether it existed.
    func deletePlugin(id: Int64) throws -> Bool
    /// Applies `changes` to an instance's state (a `nil` value deletes the key), touching no other key, if what
    /// the unit of work read still holds (see ``StateExpectations``); throws ``StoreError/conflict(_:)``
    /// otherwise, and ``StoreError/notFound(_:)`` when the instance does not exist.
    func updatePluginState(pluginID: Int64, changes: [String: JSONValue?], expecting: StateExpectations) throws

    /// Inserts a process with version 1 and a new id.
    func insertProcess(
        pluginID: Int64, name: String, status: ProcessStatus, outcome: JSONValue?, errors: JSONValue?,
        state: [String: JSONValue], callbackURL: String?
    ) throws -> GovernanceProcess
    /// Inserts `process` with its id (from ``reserveProcessIDs(count:)``) and version 1; its community and plugin
    /// name must be its plugin instance's. Throws ``StoreError/notFound(_:)`` when the instance does not exist.
    func insertProcess(_ process: GovernanceProcess) throws -> GovernanceProcess
    /// Reserves `count` process ids that no process has or will be given by ``insertProcess(pluginID:name:status:outcome:errors:state:callbackURL:)``
    /// (also in other processes sharing the database), so a process can be built, and its start hook run,
    /// before it is inserted.
    func reserveProcessIDs(count: Int) throws -> ClosedRange<Int64>
    /// Saves status, outcome, errors and state of `process` if the stored version equals `process.version`;
    /// throws ``StoreError/conflict(_:)`` otherwise. Returns the stored process with its new version.
    func updateProcess(_ process: GovernanceProcess) throws -> GovernanceProcess
    /// Deletes a process with its entries. Returns whether it existed.
    func deleteProcess(id: Int64) throws -> Bool
    /// Applies `changes` to a process's keyed entries (a `nil` value deletes the key), touching no other entry
    /// and not the process row (its version stays), if what the unit of work read still holds; throws
    /// ``StoreError/conflict(_:)`` otherwise, and ``StoreError/notFound(_:)`` when the process does not exist.
    func updateProcessEntries(processID: Int64, changes: [String: JSONValue?], expecting: [String: JSONValue?]) throws

    /// Appends events to the log, returning them with their cursors and timestamps.
    func appendEvents(_ events: [NewEvent]) throws -> [Event]

    /// Creates `count` new primary ids in `community` with random, unused positive external ids.
    func createMetagovIDs(community: String, count: Int) throws -> [MetagovID]
    /// Makes `newPrimary` the primary of every id whose primary is `oldPrimary`.
    func reassignPrimary(from oldPrimary: Int64, to newPrimary: Int64) throws
    /// Inserts or replaces the account identified by (community, platform type, identifier, platform id).
    func upsertLinkedAccount(_ account: LinkedAccount) throws
    /// Deletes the account identified by (community, platform type, identifier, platform id). Returns whether
    /// it existed.
    func deleteLinkedAccount(community: String, platformType: String, platformIdentifier: String, communityPlatformID: String?) throws -> Bool
    /// Deletes events older than `before` and all but the newest `keepNewest`; records the highest deleted
    /// cursor (see ``StoreReader/eventsPrunedThrough()``). Returns how many were deleted.
    func pruneEvents(before: Date?, keepNewest: Int?) throws -> Int
    func insertWebhookSubscription(
        community: String, url: String, eventTypes: [String], plugins: [String], secret: String
    ) throws -> WebhookSubscription
    func updateWebhookSubscription(_ subscription: WebhookSubscription) throws -> WebhookSubscription
    /// Deletes the subscription and its deliveries; false when there was none.
    func deleteWebhookSubscription(id: Int64) throws -> Bool
    /// Adds deliveries to the outbox, due now.
    func enqueueDeliveries(_ deliveries: [NewDelivery]) throws
    /// Claims up to `limit` pending deliveries due at `now`, oldest first, for one sender: their next attempt moves
    /// to `leaseUntil`, so no other sender takes them meanwhile; a sender that dies leaves them due again then.
    /// Deliveries another transaction is claiming are skipped, not waited for.
    func claimDueDeliveries(now: Date, limit: Int, leaseUntil: Date) throws -> [OutboundDelivery]
    /// Records an attempt: delivered, rescheduled (`nextAttemptAt`) or failed for good.
    func recordDeliveryAttempt(
        id: Int64, status: DeliveryStatus, attempts: Int, nextAttemptAt: Date, error: String?, statusCode: Int?
    ) throws
    /// Makes a delivery pending again with a fresh attempt count; nil when there is no such delivery.
    func redeliver(id: Int64) throws -> OutboundDelivery?
    /// Stores a new API token; ALREADY_EXISTS when the name is taken.
    func insertAPIToken(name: String, scope: TokenScope, secretHash: String, expiresAt: Date?) throws -> APIToken
    /// Marks the token revoked; false when there is no such (unrevoked) token.
    func revokeAPIToken(id: Int64) throws -> Bool
    /// Keeps the definition of plugin type `name` registered by a plugin host, replacing an earlier one.
    func saveRemotePluginTypeDefinition(name: String, definition: JSONValue) throws
}
