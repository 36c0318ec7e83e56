import Foundation
import MetagovCore
import PostgresNIO

/// Reading and appending to the `event` log.
///
/// Cursors come from the counter `event_log_state.last_cursor`, which the writer's batch reads once, moves on
/// for the events its units insert and stores before it commits (see ``BatchKnowledge``). Every write transaction holds the cluster-wide write lock (see ``WriterThread``), so cursors are
/// assigned in commit order: whoever reads cursor 12 will never later find a cursor-11 event committing after
/// it, cursors are dense (a rolled-back unit gives its numbers back) and never reused.
enum EventRow {
    static let columns = "cursor, community, source, plugin_id, event_type, timestamp, data, initiator"

    static func decode(_ row: PostgresRandomAccessRow) throws -> Event {
        Event(
            cursor: try row.value(0), community: try row.value(1), source: try row.value(2), pluginID: try row.value(3),
            eventType: try row.value(4), timestamp: try row.date(5), storedData: try row.validatedJSONText(6),
            storedInitiator: try row.validatedJSONText(7))
    }
}

extension PostgresReading {
    func events(matching filter: EventFilter, afterCursor: Int64, limit: Int) throws -> [Event] {
        var conditions = Conditions()
        conditions.add("cursor > ?", afterCursor)
        conditions.add("community = ?", ifPresent: filter.community)
        if !filter.sources.isEmpty { conditions.add("source = ANY(?::text[])", filter.sources.sorted()) }
        if !filter.eventTypes.isEmpty { conditions.add("event_type = ANY(?::text[])", filter.eventTypes.sorted()) }
        let limitParameter = conditions.next(sqlLimit(limit))
        return try fetchAll(
            "SELECT \(EventRow.columns) FROM event WHERE \(conditions.sql) ORDER BY cursor LIMIT \(limitParameter)",
            conditions.binds, EventRow.decode)
    }

    /// The largest cursor ever issued: the counter, which deletions never lower.
    func lastEventCursor() throws -> Int64 {
        try fetchValue("SELECT last_cursor FROM event_log_state WHERE id = 1") ?? 0
    }

    func eventsPrunedThrough() throws -> Int64 {
        try fetchValue("SELECT pruned_through FROM event_log_state WHERE id = 1") ?? 0
    }
}

extension PostgresWriter {
    /// The largest cursor ever issued, as this batch has left it (see ``BatchKnowledge/lastCursor``).
    func lastEventCursor() throws -> Int64 {
        if let known = batch.lastCursor { return known }
        let stored: Int64 = try fetchValue("SELECT last_cursor FROM event_log_state WHERE id = 1") ?? 0
        batch.lastCursor = stored
        return stored
    }

    /// The events get the cursors after the batch's counter; their insert is held back and sent with the next
    /// units' (see ``HeldBackWrites``), and the batch stores the counter before it commits (see
    /// ``BatchKnowledge/lastCursor``). A missing community fails the insert (through the foreign key).
    func appendEvents(_ events: [NewEvent]) throws -> [Event] {
        guard !events.isEmpty else { return [] }
        let previous = try lastEventCursor()
        let appendedAt = StoredTime.now()
        let times = events.map { $0.timestamp?.timeIntervalSince1970 ?? appendedAt }
        heldBack.insert(events, first: previous + 1, times: times, on: connection)
        let last = previous + Int64(events.count)
        batch.lastCursor = last
        batch.cursorMoved = true
        effects.lastCursor = last
        return events.enumerated().map { index, event in
            Event(
                cursor: previous + 1 + Int64(index), community: event.community, source: event.source,
                pluginID: event.pluginID, eventType: event.eventType, timestamp: StoredTime.date(times[index]),
                data: event.data, initiator: event.initiator)
        }
    }

    func pruneEvents(before: Date?, keepNewest: Int?) throws -> Int {
        var deletedThrough: Int64 = 0
        if let before {
            deletedThrough = try fetchValue(
                "SELECT max(cursor) FROM event WHERE timestamp < $1", binds(before.timeIntervalSince1970), as: Int64?.self)
                .flatMap { $0 } ?? 0
        }
        if let keepNewest {
            let beyondCount: Int64 = try fetchValue(
                "SELECT cursor FROM event ORDER BY cursor DESC LIMIT 1 OFFSET $1", binds(Int64(max(0, keepNewest)))) ?? 0
            deletedThrough = max(deletedThrough, beyondCount)
        }
        guard deletedThrough > 0 else { return 0 }
        let deleted = try execute("DELETE FROM event WHERE cursor <= $1", binds(deletedThrough))
        try execute(
            "UPDATE event_log_state SET pruned_through = greatest(pruned_through, $1) WHERE id = 1", binds(deletedThrough))
        if deleted > 0 { effects.eventsDeleted = true }
        return deleted
    }
}
