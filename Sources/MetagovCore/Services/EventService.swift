/// Reading the durable event log.
public struct EventService: Sendable {
    let store: any Store

    /// Largest number of events one call returns.
    public static let maxBatch = 10_000

    /// Events matching `filter` after `afterCursor`, in cursor order, at most `limit`.
    public func list(_ filter: EventFilter = EventFilter(), afterCursor: Int64 = 0, limit: Int = 100) throws -> [Event] {
        guard limit > 0 else { throw MetagovError.invalidArgument("limit must be positive (got \(limit))") }
        let limit = min(limit, Self.maxBatch)
        return try store.read { try $0.events(matching: filter, afterCursor: afterCursor, limit: limit) }
    }

    /// The cursor of the newest event, 0 when the log is empty.
    public func lastCursor() throws -> Int64 {
        try store.read { try $0.lastEventCursor() }
    }
}
