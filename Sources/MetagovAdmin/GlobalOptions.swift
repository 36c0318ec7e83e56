import ArgumentParser
import Foundation
import MetagovCore
import MetagovPostgres
import MetagovSQLite

/// Options every `metagovd` command accepts: where the database and the configuration file are, and how the
/// database is used.
public struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: """
            SQLite database file, or PostgreSQL URL postgres://USER[:PASSWORD]@HOST[:PORT]/DB (default: \
            $METAGOV_DATABASE, the config file's metagov.database, or ./metagov.sqlite).
            """)
    public var database: String?

    @Option(name: .customLong("config-file"), help: "Configuration file of 'key = value' lines (default: $METAGOV_CONFIG).")
    public var configFile: String?

    @Option(
        name: .customLong("busy-timeout"),
        help: "Seconds a write waits for another process holding the database's write lock before failing with UNAVAILABLE.")
    public var busyTimeout: Double = SQLiteStore.defaultBusyTimeout

    @Option(name: .customLong("pool-size"), help: "PostgreSQL: connections for reads (default: twice the processors plus two).")
    public var poolSize: Int?

    @Option(name: .customLong("connect-timeout"), help: "PostgreSQL: seconds to wait for a connection to the database.")
    public var connectTimeout: Double = 5

    @Option(
        name: .customLong("query-timeout"),
        help: "PostgreSQL: seconds a statement may take before the call fails with UNAVAILABLE.")
    public var queryTimeout: Double = 30

    public init() {}

    public func validate() throws {
        guard busyTimeout >= 0, busyTimeout.isFinite else { throw ValidationError("--busy-timeout must be ≥ 0") }
        if let poolSize, poolSize < 1 { throw ValidationError("--pool-size must be ≥ 1") }
        guard connectTimeout > 0, connectTimeout.isFinite else { throw ValidationError("--connect-timeout must be > 0") }
        guard queryTimeout > 0, queryTimeout.isFinite else { throw ValidationError("--query-timeout must be > 0") }
    }

    /// The configuration file path, if any.
    public var configPath: String? {
        configFile ?? ProcessInfo.processInfo.environment["METAGOV_CONFIG"]
    }

    /// The database after applying `--database`, then the configuration (`METAGOV_DATABASE`, the file, the
    /// default).
    public func location(config: MetagovConfig) throws -> DatabaseLocation {
        try DatabaseLocation(database ?? config.string(CoreConfig.database) ?? "./metagov.sqlite")
    }

    /// How a PostgreSQL store is used, from the options.
    public var postgresOptions: PostgresStoreOptions {
        PostgresStoreOptions(
            poolSize: poolSize, connectTimeout: connectTimeout, queryTimeout: queryTimeout, busyTimeout: busyTimeout)
    }

    /// Opens the store at `location` (migrating it to the current schema).
    public func openStore(_ location: DatabaseLocation) throws -> any Store {
        try Self.openStore(location, busyTimeout: busyTimeout, postgres: postgresOptions)
    }

    /// Opens the store at `location` with these settings (migrating it to the current schema).
    public static func openStore(_ location: DatabaseLocation, busyTimeout: Double, postgres: PostgresStoreOptions) throws
        -> any Store
    {
        switch location {
        case .sqlite(let path): try SQLiteStore(path: path, busyTimeout: busyTimeout)
        case .postgres(let url): try PostgresStore(url: url, options: postgres)
        }
    }

    /// Loads the configured extensions and opens the core on the database.
    public func openCore() throws -> Metagov {
        let (registry, config) = try CoreBootstrap.load(configPath: configPath)
        return try openCore(registry: registry, config: config)
    }

    /// ``openCore()`` with the plugin types plugin hosts registered with a server on this database (listed and
    /// enabled like the others; their hooks need a connected host).
    package func openCoreWithRemoteTypes() async throws -> Metagov {
        let core = try openCore()
        try await core.pluginHosts.restore()
        return core
    }

    /// Opens the core on the database with extensions already loaded.
    public func openCore(registry: ExtensionRegistry, config: MetagovConfig) throws -> Metagov {
        try Metagov(store: openStore(location(config: config)), registry: registry, config: config)
    }
}
