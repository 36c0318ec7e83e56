/// A column value as a database keeps it, for moving rows between stores (`metagovd migrate-data`) without
/// going through the domain types.
package enum StoredValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null
}

/// The tables every store keeps, in an order that respects their foreign keys, with their columns and each
/// column's kind: what `metagovd migrate-data` copies. Both stores use these names and meanings.
package enum StoredTables {
    package enum Kind: Sendable {
        case integer, real, text
    }

    package struct Table: Sendable {
        package let name: String
        package let columns: [(name: String, kind: Kind)]
        /// The identity column whose sequence continues after the copied ids, if any.
        package let identity: String?
    }

    package static let all: [Table] = [
        Table(name: "community", columns: [("slug", .text), ("readable_name", .text), ("created_at", .real), ("updated_at", .real)], identity: nil),
        Table(
            name: "plugin",
            columns: [("id", .integer), ("community", .text), ("name", .text), ("community_platform_id", .text), ("config", .text),
                      ("created_at", .real), ("updated_at", .real)],
            identity: "id"),
        Table(name: "plugin_state", columns: [("plugin_id", .integer), ("key", .text), ("value", .text)], identity: nil),
        Table(
            name: "process",
            columns: [("id", .integer), ("plugin_id", .integer), ("community", .text), ("plugin", .text), ("name", .text),
                      ("status", .text), ("outcome", .text), ("errors", .text), ("state", .text), ("callback_url", .text),
                      ("created_at", .real), ("updated_at", .real), ("version", .integer), ("url", .text)],
            identity: "id"),
        Table(name: "process_entry", columns: [("process_id", .integer), ("key", .text), ("value", .text)], identity: nil),
        Table(
            name: "event",
            columns: [("cursor", .integer), ("community", .text), ("source", .text), ("plugin_id", .integer),
                      ("event_type", .text), ("timestamp", .real), ("data", .text), ("initiator", .text)],
            identity: nil),
        Table(name: "metagov_id", columns: [("external_id", .integer), ("community", .text), ("primary_external_id", .integer)], identity: nil),
        Table(
            name: "linked_account",
            columns: [("external_id", .integer), ("community", .text), ("platform_type", .text), ("platform_identifier", .text),
                      ("community_platform_id", .text), ("custom_data", .text), ("link_type", .text), ("link_quality", .text)],
            identity: nil),
        Table(
            name: "api_token",
            columns: [("id", .integer), ("name", .text), ("scope", .text), ("secret_hash", .text), ("created_at", .real),
                      ("expires_at", .real), ("revoked_at", .real)],
            identity: "id"),
        Table(
            name: "webhook_subscription",
            columns: [("id", .integer), ("community", .text), ("url", .text), ("event_types", .text), ("plugins", .text),
                      ("secret", .text), ("created_at", .real), ("updated_at", .real)],
            identity: "id"),
        Table(
            name: "delivery",
            columns: [("id", .integer), ("kind", .text), ("webhook_id", .integer), ("process_id", .integer), ("community", .text),
                      ("event_id", .text), ("url", .text), ("body", .text), ("status", .text), ("attempts", .integer),
                      ("next_attempt_at", .real), ("last_error", .text), ("last_status_code", .integer), ("created_at", .real),
                      ("delivered_at", .real)],
            identity: "id"),
        Table(name: "remote_plugin_type", columns: [("name", .text), ("definition", .text), ("updated_at", .real)], identity: nil),
    ]
}

/// The event log's counters: the last cursor ever issued (never lowered by deletions) and how far retention
/// has pruned.
package struct EventLogCounters: Sendable, Hashable {
    package var lastCursor: Int64
    package var prunedThrough: Int64

    package init(lastCursor: Int64, prunedThrough: Int64) {
        self.lastCursor = lastCursor
        self.prunedThrough = prunedThrough
    }
}
