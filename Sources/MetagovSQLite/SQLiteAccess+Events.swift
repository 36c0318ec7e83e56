import GRDB
import MetagovCore

extension SQLiteAccess {
    private static func event(_ row: Row) -> Event {
        Event(
            cursor: row["cursor"], community: row["community"], source: row["source"], pluginID: row["plugin_id"],
            eventType: row["event_type"], timestamp: Column.date(row["timestamp"]),
            data: Column.json(row["data"] as String?) ?? .null, initiator: Column.json(row["initiator"] as String?) ?? .null)
    }

    func events(matching filter: EventFilter, afterCursor: Int64, limit: Int) throws -> [Event] {
        var conditions = ["cursor > ?"]
        var arguments: StatementArguments = [afterCursor]
        if let community = filter.community { conditions.append("community = ?"); arguments += [community] }
        if !filter.sources.isEmpty {
            conditions.append("source IN (\(Array(repeating: "?", count: filter.sources.count).joined(separator: ",")))")
            arguments += StatementArguments(filter.sources.sorted())
        }
        if !filter.eventTypes.isEmpty {
            conditions.append("event_type IN (\(Array(repeating: "?", count: filter.eventTypes.count).joined(separator: ",")))")
            arguments += StatementArguments(filter.eventTypes.sorted())
        }
        arguments += [limit]
        let sql = "SELECT * FROM event WHERE \(conditions.joined(separator: " AND ")) ORDER BY cursor LIMIT ?"
        return try rows(sql, arguments).map(Self.event)
    }

    func lastEventCursor() throws -> Int64 {
        // sqlite_sequence keeps the largest cursor ever issued, also after deletions.
        try row("SELECT seq FROM sqlite_sequence WHERE name = 'event'").map { $0["seq"] } ?? 0
    }

    func appendEvents(_ events: [NewEvent]) throws -> [Event] {
        let now = self.now
        return try events.map { event in
            try execute(
                """
                INSERT INTO event (community, source, plugin_id, event_type, timestamp, data, initiator)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [event.community, event.source, event.pluginID, event.eventType, now, Column.json(event.data),
                 Column.json(event.initiator)])
            return Event(
                cursor: db.lastInsertedRowID, community: event.community, source: event.source, pluginID: event.pluginID,
                eventType: event.eventType, timestamp: Column.date(now), data: event.data, initiator: event.initiator)
        }
    }
}
