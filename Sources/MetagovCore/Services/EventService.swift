/// Reading the durable event log.
public struct EventService: Sendable {
    let store: any Store

    /// Largest number of events one call returns.
    public static let maxBatch = 10_000

    /// Events matching `filter` after `afterCursor`, in cursor order, at most `limit`.
    public func list(_ filter: EventFilter = EventFilter(), afterCursor: Int64 = 0, limit: Int = 100) async throws -> [Event] {
        guard limit > 0 else { throw MetagovError.invalidArgument("limit must be positive (got \(limit))") }
        let limit = min(limit, Self.maxBatch)
        return try await store.readTranslatingErrors { try $0.events(matching: filter, afterCursor: afterCursor, limit: limit) }
    }

    /// Like ``list(_:afterCursor:limit:)`` for a reader resuming after `afterCursor`: OUT_OF_RANGE when
    /// retention deleted events after it (they would be silently skipped), naming the oldest cursor to resume
    /// from. `afterCursor` 0 means "from the oldest event kept". Checked in the same read as the listing.
    public func resume(_ filter: EventFilter = EventFilter(), afterCursor: Int64, limit: Int = 100) async throws -> [Event] {
        guard limit > 0 else { throw MetagovError.invalidArgument("limit must be positive (got \(limit))") }
        return try await store.readTranslatingErrors { reader in
            let pruned = try reader.eventsPrunedThrough()
            if afterCursor > 0 && afterCursor < pruned {
                throw MetagovError(
                    .outOfRange,
                    "cursor \(afterCursor) is older than the events kept: the oldest cursor available is \(pruned) (resume after it, or after 0 for the oldest event kept)")
            }
            return try reader.events(matching: filter, afterCursor: max(afterCursor, pruned), limit: min(limit, Self.maxBatch))
        }
    }

    /// The highest cursor deleted by retention (0: none); resuming after it or later loses nothing.
    public func prunedThrough() async throws -> Int64 {
        try await store.readTranslatingErrors { try $0.eventsPrunedThrough() }
    }

    /// The cursor of the newest event, 0 when the log is empty.
    public func lastCursor() async throws -> Int64 {
        try await store.readTranslatingErrors { try $0.lastEventCursor() }
    }
}
