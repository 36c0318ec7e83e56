import Foundation

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
