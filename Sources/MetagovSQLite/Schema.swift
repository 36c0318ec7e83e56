import GRDB

/// The database schema, as versioned migrations. Migrations are append-only: never edit one that has shipped,
/// register a new one ("v2", …) instead.
///
/// Conventions: times are REAL seconds since 1970 (see ``StoredTime``), JSON documents are TEXT (see
/// ``StoredJSON``), enums are their raw values. "No platform id" is NULL; uniqueness treats it as `''` through
/// expression indexes over `ifnull(community_platform_id, '')`, which the queries repeat verbatim so SQLite
/// uses those indexes.
enum Schema {
    /// The migrations in the order they run.
    private static let migrations: [(name: String, migrate: @Sendable (Database) throws -> Void)] = [
        ("v1", v1),
        ("v2-api-tokens", v2),
        ("v3-event-retention", v3),
        ("v4-outbound-delivery", v4),
        ("v5-keyed-state", v5),
        ("v6-plugin-hosts", v6),
        ("v7-checks-without-lists", v7),
    ]

    static var migrationNames: Set<String> { Set(migrations.map(\.name)) }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations { migrator.registerMigration(migration.name, migrate: migration.migrate) }
        return migrator
    }

    private static func v1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE community (
                slug TEXT PRIMARY KEY NOT NULL,
                readable_name TEXT NOT NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );

            CREATE TABLE plugin (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                community TEXT NOT NULL REFERENCES community(slug) ON DELETE CASCADE,
                name TEXT NOT NULL,
                community_platform_id TEXT,
                config TEXT NOT NULL,
                state_version INTEGER NOT NULL DEFAULT 0,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE UNIQUE INDEX plugin_identity ON plugin(community, name, ifnull(community_platform_id, ''));

            CREATE TABLE plugin_state (
                plugin_id INTEGER NOT NULL REFERENCES plugin(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (plugin_id, key)
            ) WITHOUT ROWID;

            CREATE TABLE process (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                plugin_id INTEGER NOT NULL REFERENCES plugin(id) ON DELETE CASCADE,
                community TEXT NOT NULL REFERENCES community(slug) ON DELETE CASCADE,
                plugin TEXT NOT NULL,
                name TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('created', 'pending', 'completed')),
                outcome TEXT,
                errors TEXT,
                state TEXT NOT NULL,
                callback_url TEXT,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                version INTEGER NOT NULL CHECK (version >= 1)
            );
            CREATE INDEX process_community ON process(community, id);
            CREATE INDEX process_plugin ON process(plugin_id, id);
            CREATE INDEX process_status ON process(status, id);

            CREATE TABLE event (
                cursor INTEGER PRIMARY KEY AUTOINCREMENT,
                community TEXT NOT NULL REFERENCES community(slug) ON DELETE CASCADE,
                source TEXT NOT NULL,
                plugin_id INTEGER NOT NULL,
                event_type TEXT NOT NULL,
                timestamp REAL NOT NULL,
                data TEXT NOT NULL,
                initiator TEXT NOT NULL
            );
            CREATE INDEX event_community ON event(community, cursor);

            CREATE TABLE metagov_id (
                external_id INTEGER PRIMARY KEY NOT NULL CHECK (external_id > 0),
                community TEXT NOT NULL REFERENCES community(slug) ON DELETE CASCADE,
                primary_external_id INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX metagov_id_owner ON metagov_id(external_id, community);
            CREATE INDEX metagov_id_community ON metagov_id(community, external_id);
            CREATE INDEX metagov_id_primary ON metagov_id(primary_external_id, external_id);

            CREATE TABLE linked_account (
                external_id INTEGER NOT NULL,
                community TEXT NOT NULL,
                platform_type TEXT NOT NULL,
                platform_identifier TEXT NOT NULL,
                community_platform_id TEXT,
                custom_data TEXT NOT NULL,
                link_type TEXT NOT NULL,
                link_quality TEXT NOT NULL,
                FOREIGN KEY (external_id, community) REFERENCES metagov_id(external_id, community)
                    ON DELETE CASCADE
            );
            CREATE UNIQUE INDEX linked_account_identity
                ON linked_account(community, platform_type, platform_identifier, ifnull(community_platform_id, ''));
            CREATE INDEX linked_account_owner
                ON linked_account(external_id, platform_type, platform_identifier, community_platform_id);
            """)
    }

    /// API tokens (issue 4): only a hash of each secret is stored.
    private static func v2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE api_token (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                scope TEXT NOT NULL,
                secret_hash TEXT NOT NULL,
                created_at REAL NOT NULL,
                expires_at REAL,
                revoked_at REAL
            );
            """)
    }

    /// Event retention (issue 4): how far the log has been pruned.
    private static func v3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE event_log_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                pruned_through INTEGER NOT NULL
            );
            INSERT INTO event_log_state (id, pruned_through) VALUES (1, 0);
            CREATE INDEX event_timestamp ON event(timestamp);
            """)
    }

    /// Webhook subscriptions and the durable outbox of outbound deliveries (issue 4).
    private static func v4(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE webhook_subscription (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                community TEXT NOT NULL REFERENCES community(slug) ON DELETE CASCADE,
                url TEXT NOT NULL,
                event_types TEXT NOT NULL,
                plugins TEXT NOT NULL,
                secret TEXT NOT NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE INDEX webhook_subscription_community ON webhook_subscription(community, id);

            CREATE TABLE delivery (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('event', 'callback')),
                webhook_id INTEGER REFERENCES webhook_subscription(id) ON DELETE CASCADE,
                process_id INTEGER,
                community TEXT NOT NULL REFERENCES community(slug) ON DELETE CASCADE,
                event_id TEXT NOT NULL,
                url TEXT NOT NULL,
                body TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL NOT NULL,
                last_error TEXT,
                last_status_code INTEGER,
                created_at REAL NOT NULL,
                delivered_at REAL
            );
            CREATE INDEX delivery_due ON delivery(status, next_attempt_at);
            CREATE INDEX delivery_webhook ON delivery(webhook_id, id);
            CREATE INDEX delivery_community ON delivery(community, id);
            """)
    }

    /// Keyed state (issue 11): entries of a process, one row per key (a poll's votes), written and checked key
    /// by key; plugin state is checked key by key too, so its whole-state version goes. Plugins by community in
    /// id order, for reading a community (or a page of them) with its plugins without sorting.
    private static func v5(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE process_entry (
                process_id INTEGER NOT NULL REFERENCES process(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (process_id, key)
            ) WITHOUT ROWID;
            ALTER TABLE plugin DROP COLUMN state_version;
            CREATE INDEX plugin_community ON plugin(community, id);
            """)
    }

    /// Plugins out of process (issue 9): the url of a process on its platform, and the plugin types plugin
    /// hosts registered (kept so that they are listed and can be enabled while no host is connected).
    private static func v6(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE process ADD COLUMN url TEXT;

            CREATE TABLE remote_plugin_type (
                name TEXT PRIMARY KEY NOT NULL,
                definition TEXT NOT NULL,
                updated_at REAL NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    /// The write path (issue 11): SQLite checks `x IN ('a', 'b', 'c')` by building a temporary B-tree of the list
    /// on every insert and update, a fifth of the cost of inserting a process. The tables whose rows the write path
    /// inserts or updates (`process`, `delivery`) are rebuilt with the same constraints written as comparisons;
    /// the AUTOINCREMENT high-water marks are carried over, so no id is ever given out again.
    private static func v7(_ db: Database) throws {
        try rebuild(db, table: "process", columns: """
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                plugin_id INTEGER NOT NULL REFERENCES plugin(id) ON DELETE CASCADE,
                community TEXT NOT NULL REFERENCES community(slug) ON DELETE CASCADE,
                plugin TEXT NOT NULL,
                name TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status = 'created' OR status = 'pending' OR status = 'completed'),
                outcome TEXT,
                errors TEXT,
                state TEXT NOT NULL,
                callback_url TEXT,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                version INTEGER NOT NULL CHECK (version >= 1),
                url TEXT
            """, indexes: """
            CREATE INDEX process_community ON process(community, id);
            CREATE INDEX process_plugin ON process(plugin_id, id);
            CREATE INDEX process_status ON process(status, id);
            """)
        try rebuild(db, table: "delivery", columns: """
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind = 'event' OR kind = 'callback'),
                webhook_id INTEGER REFERENCES webhook_subscription(id) ON DELETE CASCADE,
                process_id INTEGER,
                community TEXT NOT NULL REFERENCES community(slug) ON DELETE CASCADE,
                event_id TEXT NOT NULL,
                url TEXT NOT NULL,
                body TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status = 'pending' OR status = 'delivered' OR status = 'failed'),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL NOT NULL,
                last_error TEXT,
                last_status_code INTEGER,
                created_at REAL NOT NULL,
                delivered_at REAL
            """, indexes: """
            CREATE INDEX delivery_due ON delivery(status, next_attempt_at);
            CREATE INDEX delivery_webhook ON delivery(webhook_id, id);
            CREATE INDEX delivery_community ON delivery(community, id);
            """)
    }

    /// Replaces AUTOINCREMENT table `table` by one declared with `columns` (the same columns, in the same order)
    /// holding the same rows, then creates its `indexes`. Foreign keys are off while migrations run (and checked
    /// after), so dropping the old table cascades nowhere, and the references of other tables find the new one by
    /// its name. The AUTOINCREMENT high-water mark stays what it was.
    private static func rebuild(_ db: Database, table: String, columns: String, indexes: String) throws {
        let highWater = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table])
        try db.execute(sql: """
            CREATE TABLE \(table)_rebuilt (
            \(columns)
            );
            INSERT INTO \(table)_rebuilt SELECT * FROM \(table);
            DROP TABLE \(table);
            ALTER TABLE \(table)_rebuilt RENAME TO \(table);
            \(indexes)
            """)
        if let highWater {
            try db.execute(
                sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", arguments: [highWater, table])
            if db.changesCount == 0 {
                try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", arguments: [table, highWater])
            }
        }
    }
}
