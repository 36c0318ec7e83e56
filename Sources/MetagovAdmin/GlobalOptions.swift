import ArgumentParser
import Foundation
import MetagovCore
import MetagovSQLite

/// Options every `metagovd` command accepts: where the database and the configuration file are.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file (default: $METAGOV_DATABASE or ./metagov.sqlite).")
    public var database: String?

    @Option(name: .customLong("config-file"), help: "Configuration file of 'key = value' lines (default: $METAGOV_CONFIG).")
    public var configFile: String?

    @Option(
        name: .customLong("busy-timeout"),
        help: "Seconds a write waits for another process holding the database's write lock before failing with UNAVAILABLE.")
    public var busyTimeout: Double = SQLiteStore.defaultBusyTimeout

    public init() {}

    public func validate() throws {
        guard busyTimeout >= 0, busyTimeout.isFinite else { throw ValidationError("--busy-timeout must be ≥ 0") }
    }

    /// The database path after applying the environment and the default.
    public var databasePath: String {
        database ?? ProcessInfo.processInfo.environment["METAGOV_DATABASE"] ?? "./metagov.sqlite"
    }

    /// The configuration file path, if any.
    public var configPath: String? {
        configFile ?? ProcessInfo.processInfo.environment["METAGOV_CONFIG"]
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
        try Metagov(store: SQLiteStore(path: databasePath, busyTimeout: busyTimeout), registry: registry, config: config)
    }
}
