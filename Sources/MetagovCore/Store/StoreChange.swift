/// A change another process committed to the same database, reported by stores that several processes share
/// (``Store/observeChanges(_:)``), so that this process wakes its event subscribers and drops what it cached.
public enum StoreChange: Sendable, Hashable {
    /// Events up to `cursor` are committed and readable.
    case eventsAppended(through: Int64)
    /// Events were deleted (retention, a deleted community): what is held in memory about the log is stale.
    case eventsDeleted
    /// Communities or plugin instances were created, changed or deleted (what ``Metagov``'s read caches hold).
    case pluginInstancesChanged
    /// API tokens were created or revoked.
    case tokensChanged
    /// Plugin state, processes or process entries were changed or deleted: the recent writes this process keeps
    /// in memory for its units of work may be stale.
    case stateChanged
    /// Changes may have been missed (the store lost its notification channel for a while): treat everything as
    /// changed.
    case unknown
}
