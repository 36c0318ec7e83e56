/// The core's own configuration options.
public enum CoreConfig {
    /// Extensions to load, in order.
    public static let plugins = "metagov.plugins"
    /// The database: an SQLite file, or a PostgreSQL URL (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB`).
    /// `metagovd --database` takes precedence; `METAGOV_DATABASE` overrides the file, as for every key.
    public static let database = "metagov.database"
    /// How often a plugin hook runs before a concurrent-write conflict is reported.
    public static let hookAttempts = "metagov.hooks.max_attempts"
    /// Seconds a plugin instance looked up by an action, process or webhook call is reused without reading the
    /// store (0: always read). Changes through this server apply at once; changes by another process (the admin
    /// CLI on the same database) within this time.
    public static let instanceCacheSeconds = "metagov.plugins.instance_cache_seconds"
    /// Seconds a unit of work's committed writes stay readable in memory for the next units of work (0: not at
    /// all). Another process's change to those records is seen within this time, or at once when notified
    /// (gateways sharing PostgreSQL).
    public static let committedWritesSeconds = "metagov.hooks.committed_writes_seconds"
    /// Events older than this many days are deleted by the scheduler (0: kept forever).
    public static let eventRetentionDays = "metagov.events.retention_days"
    /// At most this many events are kept, the newest (0: no limit).
    public static let eventRetentionCount = "metagov.events.retention_count"
    /// Attempts of an outbound delivery before it is marked failed.
    public static let deliveryMaxAttempts = "metagov.delivery.max_attempts"
    /// Seconds before the first retry; doubled per attempt (with jitter).
    public static let deliveryBaseDelay = "metagov.delivery.base_delay_seconds"
    /// Longest wait between attempts, in seconds.
    public static let deliveryMaxDelay = "metagov.delivery.max_delay_seconds"
    /// Seconds an outbound POST may take.
    public static let deliveryTimeout = "metagov.delivery.timeout_seconds"
    /// Seconds a claimed delivery belongs to the gateway that claimed it; if that gateway dies, another one
    /// attempts it after this time.
    public static let deliveryLease = "metagov.delivery.lease_seconds"
    /// Client certificates accepted in place of a token: `NAME=SCOPE` entries (NAME a certificate's common name
    /// or subject alternative name, SCOPE `admin` or `community:SLUG`).
    public static let certificateScopes = "metagov.auth.certificate_scopes"
    /// Address ranges (CIDR) outbound deliveries may reach although they are not public (loopback, private,
    /// link-local...): by default none.
    public static let deliveryAllowedDestinations = "metagov.delivery.allowed_destinations"

    /// Seconds the gateway waits for a plugin host's answer to an invocation (0: no limit).
    public static let pluginHostInvocationTimeout = "metagov.plugin_hosts.invocation_timeout_seconds"
    /// Seconds between two pings on a plugin host's stream.
    public static let pluginHostPingInterval = "metagov.plugin_hosts.ping_interval_seconds"
    /// Seconds a plugin host may take to answer a ping before it is considered dead.
    public static let pluginHostPingTimeout = "metagov.plugin_hosts.ping_timeout_seconds"

    static func declare(_ declaration: inout ConfigDeclaration, available: [String]) {
        declaration.declare(
            ConfigOption(
                key: plugins, type: .list, defaultValue: available.joined(separator: " "),
                description: "Extensions to load, in order (space separated). Available: \(available.joined(separator: ", ")).",
                validator: { value in
                    let unknown = value.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
                        .filter { !available.contains($0) }
                    return unknown.isEmpty ? nil : "unknown extension(s): \(unknown.joined(separator: ", "))"
                }),
            section: "Core")
        declaration.declare(
            ConfigOption(
                key: database, type: .string, defaultValue: "./metagov.sqlite",
                description: "The database: an SQLite file, or a PostgreSQL URL postgres://USER[:PASSWORD]@HOST[:PORT]/DB (several gateways may share one PostgreSQL database). The --database option takes precedence."),
            section: "Core")
        declaration.declare(
            ConfigOption(
                key: hookAttempts, type: .int, defaultValue: "10",
                description: "How many times a plugin hook runs when concurrent writes to the same state conflict.",
                validator: { Int($0.trimmed).map { $0 >= 1 ? nil : "must be at least 1" } ?? nil }),
            section: "Core")
        declaration.declare(
            ConfigOption(
                key: instanceCacheSeconds, type: .double, defaultValue: "2",
                description: "Seconds a looked-up plugin instance is reused without reading the database (0: always read). Changes made by another process, such as the admin CLI on the same database, are seen within this time.",
                validator: { Double($0.trimmed).map { $0 >= 0 && $0.isFinite ? nil : "must be ≥ 0" } ?? nil }),
            section: "Core")
        declaration.declare(
            ConfigOption(
                key: committedWritesSeconds, type: .double, defaultValue: "1",
                description: "Seconds a unit of work's committed writes stay readable in memory for the next units of work, so that a busy process is not read back from the database (0: never kept). Another process's change to those records is seen within this time; another gateway's on the same PostgreSQL at once (notified).",
                validator: { Double($0.trimmed).map { $0 >= 0 && $0.isFinite ? nil : "must be ≥ 0" } ?? nil }),
            section: "Core")
        for (key, description) in [
            (eventRetentionDays, "Delete events older than this many days (0 keeps them forever). Subscribers resuming from a deleted cursor get OUT_OF_RANGE."),
            (eventRetentionCount, "Keep at most this many events, the newest (0: no limit)."),
        ] {
            declaration.declare(
                ConfigOption(
                    key: key, type: .int, defaultValue: "0", description: description,
                    validator: { Int($0.trimmed).map { $0 >= 0 ? nil : "must be ≥ 0" } ?? nil }),
                section: "Events")
        }
        declaration.declare(
            ConfigOption(
                key: deliveryMaxAttempts, type: .int, defaultValue: "10",
                description: "Attempts of an outbound webhook or callback delivery before it is marked failed.",
                validator: { Int($0.trimmed).map { $0 >= 1 ? nil : "must be at least 1" } ?? nil }),
            section: "Delivery")
        for (key, value, description) in [
            (deliveryBaseDelay, "1", "Seconds before the first retry of a failed delivery; doubled per attempt, with jitter."),
            (deliveryMaxDelay, "3600", "Longest wait between delivery attempts, in seconds."),
            (deliveryTimeout, "10", "Seconds an outbound POST may take before it counts as failed."),
            (deliveryLease, "60", "Seconds a delivery claimed by one gateway is left to it (at least twice the timeout); when that gateway dies, another one attempts it after this time."),
        ] {
            declaration.declare(
                ConfigOption(
                    key: key, type: .double, defaultValue: value, description: description,
                    validator: { Double($0.trimmed).map { $0 > 0 ? nil : "must be positive" } ?? nil }),
                section: "Delivery")
        }
        for (key, value, description, minimum) in [
            (pluginHostInvocationTimeout, "30", "Seconds the gateway waits for a plugin host's answer to an invocation before the caller gets DEADLINE_EXCEEDED (0: no limit).", 0.0),
            (pluginHostPingInterval, "5", "Seconds between two pings the gateway sends on each plugin host's stream.", 0.05),
            (pluginHostPingTimeout, "10", "Seconds a plugin host may take to answer a ping before the gateway considers it dead: its invocations fail with UNAVAILABLE and its stream ends.", 0.05),
        ] {
            declaration.declare(
                ConfigOption(
                    key: key, type: .double, defaultValue: value, description: description,
                    validator: { Double($0.trimmed).map { $0 >= minimum && $0.isFinite ? nil : "must be ≥ \(minimum)" } ?? nil }),
                section: "Plugin hosts")
        }
        declaration.declare(
            ConfigOption(
                key: certificateScopes, type: .list, defaultValue: "",
                description: "TLS client certificates (verified against --tls-client-ca) accepted in place of a bearer token, as NAME=SCOPE entries separated by spaces or commas: NAME is the certificate's common name or one of its subject alternative names, SCOPE is admin, community:SLUG, plugin-host or plugin-host:TYPE (a plugin host authenticated by its certificate). A call with an authorization header is judged by its token.",
                validator: { value in
                    let bad = value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
                        .filter { CertificateScopes.parse(String($0)) == nil }
                    return bad.isEmpty ? nil : "expected NAME=admin, NAME=community:SLUG or NAME=plugin-host[:TYPE], got \(bad.joined(separator: ", "))"
                }),
            section: "Auth")
        declaration.declare(
            ConfigOption(
                key: deliveryAllowedDestinations, type: .list, defaultValue: "",
                description: "Non-public address ranges (CIDR, comma or space separated, e.g. 10.1.0.0/16 or 127.0.0.1) that webhooks and process callbacks may be delivered to. By default deliveries to loopback, private, link-local, shared, unspecified and multicast addresses are refused, checked on the address each delivery connects to.",
                validator: { value in
                    let bad = value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).filter { IPNetwork(String($0)) == nil }
                    return bad.isEmpty ? nil : "not a CIDR range: \(bad.joined(separator: ", "))"
                }),
            section: "Delivery")
    }
}
