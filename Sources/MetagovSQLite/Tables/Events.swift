import Foundation
import GRDB
import MetagovCore

/// Reading and appending to the `event` log.
enum EventRow {
    static let columns = "cursor, community, source, plugin_id, event_type, timestamp, data, initiator"

    static func decode(_ row: StoredRow) throws -> Event {
        Event(
            cursor: try row.decode(atIndex: 0), community: try row.decode(atIndex: 1), source: try row.decode(atIndex: 2),
            pluginID: try row.decode(atIndex: 3), eventType: try row.decode(atIndex: 4),
            timestamp: try StoredTime.date(row, 5), storedData: try StoredJSON.validatedText(row, 6, column: "event.data"),
            storedInitiator: try StoredJSON.validatedText(row, 7, column: "event.initiator"))
    }
}

extension SQLiteReading {
    func events(matching filter: EventFilter, afterCursor: Int64, limit: Int) throws -> [Event] {
        var conditions = Conditions()
        conditions.add("cursor > ?", afterCursor)
        conditions.add("community = ?", ifPresent: filter.community)
        if !filter.sources.isEmpty {
            conditions.add("source IN (SELECT value FROM json_each(?))", StoredJSON.array(filter.sources))
        }
        if !filter.eventTypes.isEmpty {
            conditions.add("event_type IN (SELECT value FROM json_each(?))", StoredJSON.array(filter.eventTypes))
        }
        return try fetchAll(
            "SELECT \(EventRow.columns) FROM event WHERE \(conditions.sql) ORDER BY cursor LIMIT ?",
            conditions.arguments + [sqlLimit(limit)], EventRow.decode)
    }

    /// The largest cursor ever issued (AUTOINCREMENT's high-water mark in `sqlite_sequence`): the newest
    /// event's cursor, and no lower when events were deleted since, so it never goes backwards.
    func lastEventCursor() throws -> Int64 {
        try fetchOne("SELECT seq FROM sqlite_sequence WHERE name = 'event'", []) { try $0.decode(Int64.self, atIndex: 0) }
            ?? 0
    }

    func eventsPrunedThrough() throws -> Int64 {
        try fetchOne("SELECT pruned_through FROM event_log_state WHERE id = 1", []) { try $0.decode(Int64.self, atIndex: 0) }
            ?? 0
    }
}

extension SQLiteWriter {
    func appendEvents(_ events: [NewEvent]) throws -> [Event] {
        let appendedAt = StoredTime.now()
        var appended: [Event] = []
        appended.reserveCapacity(events.count)
        for event in events {
            let now = event.timestamp?.timeIntervalSince1970 ?? appendedAt
            try translatingConstraints(notFound: { CommunityRow.describe(event.community) }) {
                try execute(
                    """
                    INSERT INTO event (community, source, plugin_id, event_type, timestamp, data, initiator)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [event.community, event.source, event.pluginID, event.eventType, now, StoredJSON.text(event.data),
                     StoredJSON.text(event.initiator)])
            }
            appended.append(Event(
                cursor: db.lastInsertedRowID, community: event.community, source: event.source,
                pluginID: event.pluginID, eventType: event.eventType, timestamp: StoredTime.date(now),
                data: event.data, initiator: event.initiator))
        }
        return appended
    }

    func pruneEvents(before: Date?, keepNewest: Int?) throws -> Int {
        var deletedThrough: Int64 = 0
        if let before {
            deletedThrough = try fetchOne(
                "SELECT max(cursor) FROM event WHERE timestamp < ?", [before.timeIntervalSince1970]
            ) { try $0.decode(Int64?.self, atIndex: 0) }.flatMap { $0 } ?? 0
        }
        if let keepNewest {
            let beyondCount = try fetchOne(
                "SELECT cursor FROM event ORDER BY cursor DESC LIMIT 1 OFFSET ?", [max(0, keepNewest)]
            ) { try $0.decode(Int64.self, atIndex: 0) } ?? 0
            deletedThrough = max(deletedThrough, beyondCount)
        }
        guard deletedThrough > 0 else { return 0 }
        let deleted = try executeCountingChanges("DELETE FROM event WHERE cursor <= ?", [deletedThrough])
        try execute(
            "UPDATE event_log_state SET pruned_through = max(pruned_through, ?) WHERE id = 1", [deletedThrough])
        return deleted
    }
}
