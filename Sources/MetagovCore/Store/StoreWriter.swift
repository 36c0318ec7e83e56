import Foundation

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
        state: JSONObject, callbackURL: String?
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
