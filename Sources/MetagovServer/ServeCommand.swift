import MetagovAdmin
import ArgumentParser
import Dispatch
import Foundation
import Logging
import MetagovCore
import MetagovDelivery
import MetagovGRPC
import MetagovRPC
import Metrics
import Prometheus

/// `metagovd serve`: the gRPC API and the scheduler, until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the gRPC API (and run the scheduler) until SIGINT or SIGTERM.",
        discussion: """
            Prints 'metagovd serving on HOST:PORT' on standard output once it listens (with --port 0, the port \
            the system picked). On SIGINT/SIGTERM: health turns NOT_SERVING, connections get GOAWAY, in-flight \
            calls may finish within --shutdown-grace seconds, then the process exits 0.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "TCP port (0: any free port).")
    var port = 50051

    @Option(name: .customLong("scheduler-interval"), help: "Seconds between scheduler passes (periodic tasks, update() of pending processes); 0 disables.")
    var schedulerInterval: Double = 15

    @Option(name: .customLong("max-message-size"), help: "Largest request or response message, in bytes (below 4 GiB).")
    var maxMessageSize = 4 * 1024 * 1024

    @OptionGroup(title: "Connection limits") var limits: ConnectionLimitOptions

    @OptionGroup(title: "TLS") var tls: TLSOptions

    @OptionGroup(title: "Logs and metrics") var observability: ObservabilityOptions

    @Option(name: .customLong("shutdown-grace"), help: "Seconds in-flight calls may take to finish on shutdown.")
    var shutdownGrace: Double = 10

    @Option(name: .customLong("event-loop-threads"), help: "Event loop threads (default: one per processor this process may run on, see taskset).")
    var eventLoopThreads: Int?

    @Flag(name: .customLong("no-auth"), help: "Accept every call without a token, as an administrator (local development only).")
    var noAuth = false

    @Option(
        name: .customLong("admin-token-file"),
        help: "Where the first admin token is written when the database has none (default: DATABASE.admin-token for SQLite, ./metagov-admin-token for PostgreSQL).")
    var adminTokenFile: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard schedulerInterval >= 0, schedulerInterval.isFinite else { throw ValidationError("--scheduler-interval must be ≥ 0") }
        guard (1024...GRPCServerConfiguration.messageSizeCeiling).contains(maxMessageSize) else {
            throw ValidationError("--max-message-size must be between 1024 and \(GRPCServerConfiguration.messageSizeCeiling) bytes (a gRPC length prefix has 32 bits)")
        }
        guard shutdownGrace >= 0, shutdownGrace.isFinite else { throw ValidationError("--shutdown-grace must be ≥ 0") }
        if let threads = eventLoopThreads, threads < 1 { throw ValidationError("--event-loop-threads must be ≥ 1") }
    }

    func run() async throws {
        let (format, level) = (observability.logFormat, observability.logLevel)
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: format, level: level) }
        let logger = Logger(label: "metagovd.serve")
        let signals = ShutdownSignal.install()
        // Metrics first: the core and the store take their metric handles when they are built.
        let metrics = observability.noMetrics ? nil : Self.startMetrics(isPublic: observability.metricsPublic)
        let (registry, config) = try CoreBootstrap.load(configPath: global.configPath)
        let location = try global.location(config: config)
        guard let store = try await Self.openStore(location, global: global, signals: signals, logger: logger) else { return }
        let core = try Metagov(store: store, registry: registry, config: config)
        try await core.pluginHosts.restore()
        if metrics != nil { Self.countAppendedEvents(core) }
        if noAuth {
            logger.warning("authentication is OFF (--no-auth): every caller is an administrator; never expose this server")
        } else {
            let tokenFile = adminTokenFile ?? Self.adminTokenPath(location)
            try await Self.bootstrapAdminToken(core: core, path: tokenFile, logger: logger)
        }
        let api = MetagovAPI(core: core, requireAuthentication: !noAuth, metrics: metrics, maxMessageSize: maxMessageSize)
        var configuration = GRPCServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.maxReceiveMessageSize = maxMessageSize
        configuration.maxSendMessageSize = maxMessageSize
        configuration.shutdownGracePeriod = .milliseconds(Int64(shutdownGrace * 1000))
        if let eventLoopThreads { configuration.eventLoopThreads = eventLoopThreads }
        let descriptors = FileDescriptorLimit.raiseToHardLimit()
        limits.apply(to: &configuration, fileDescriptors: descriptors)
        configuration.tls = tls.configuration
        configuration.observer = ServerTelemetry(logger: Logger(label: "metagovd.rpc"), metrics: metrics != nil)
        logger.info("connection limits", metadata: [
            "max_connections": "\(configuration.maxConnections ?? 0)", "file_descriptors": "\(descriptors)"])
        if configuration.tls == nil && !noAuth && !Self.isLoopback(host) {
            logger.warning(
                "serving without TLS on a non-loopback address while tokens are required: tokens would travel in the clear (use --tls-cert and --tls-key)",
                metadata: ["host": "\(host)"])
        }
        let interceptors = core.registry.implementations(of: (any InterceptorProvider).self).flatMap { $0.interceptors() }
        let server = GRPCServer(
            configuration: configuration, methods: api.methods, interceptors: interceptors, plainHTTP: api.http)
        let boundPort: Int
        do {
            boundPort = try await server.start()
        } catch let status as GRPCStatus {
            // A clear message naming the file (a missing, malformed or expired certificate...).
            throw ValidationError(status.message.isEmpty ? "\(status)" : status.message)
        }
        let reload = configuration.tls == nil ? nil : ReloadSignal {
            do {
                try server.reloadTLS()
                logger.notice("TLS certificates reloaded")
            } catch {
                logger.error("TLS certificates not reloaded; the previous ones stay in use", metadata: ["error": "\(error)"])
            }
        }
        logger.info("listening", metadata: [
            "host": "\(host)", "port": "\(boundPort)", "database": "\(location)", "allocator": "\(MemoryAllocator.name)"])
        FileHandle.standardOutput.write(Data("metagovd serving on \(host):\(boundPort)\n".utf8))

        let interval = schedulerInterval
        let scheduler = Task { [core] in
            guard interval > 0 else { return }
            await core.scheduler.run(every: .milliseconds(Int64(interval * 1000)))
        }
        let worker = DeliveryWorker(core: core)
        let delivery = Task { await worker.run() }
        let signal = await signals.next()
        logger.info("shutting down", metadata: ["signal": "\(signal)"])
        api.beginShutdown()
        scheduler.cancel()
        await server.shutdown()
        withExtendedLifetime(reload) {}
        delivery.cancel()
        await scheduler.value
        await delivery.value
        logger.info("stopped")
    }
}

extension ServeCommand {
    /// Sends swift-metrics to a Prometheus registry; the exposition of `GET /metrics`.
    static func startMetrics(isPublic: Bool) -> MetricsExposition {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets[SubscriberLag.label] = SubscriberLag.buckets
        factory.valueHistogramBuckets[StoreBatchMetrics.unitsLabel] = StoreBatchMetrics.unitsBuckets
        MetricsSystem.bootstrap(factory)
        return MetricsExposition(isPublic: isPublic) { registry.emitToString() }
    }

    /// Counts the events `core` appends (`metagov_events_appended_total`).
    static func countAppendedEvents(_ core: Metagov) {
        let appended = Counter(label: "metagov_events_appended_total")
        core.signals.connect(SignalSubscription(signal: SignalName.eventCreated) { _ in appended.increment() })
    }

    /// Whether `host` is a loopback address or name (where cleartext does not leave the machine).
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Where the first admin token is written by default: next to an SQLite database, in the working directory
    /// for PostgreSQL; readable only by its owner.
    static func adminTokenPath(_ location: DatabaseLocation) -> String {
        switch location {
        case .sqlite(let path): path + ".admin-token"
        case .postgres: "./metagov-admin-token"
        }
    }

    /// Opens the store; a database that cannot be reached yet (PostgreSQL starting, or down) is tried again
    /// every two seconds, with a log line, until it answers or a signal stops the server (then `nil`).
    static func openStore(
        _ location: DatabaseLocation, global: GlobalOptions, signals: ShutdownSignal, logger: Logger
    ) async throws -> (any Store)? {
        let (busyTimeout, postgres) = (global.busyTimeout, global.postgresOptions)
        var attempt = 0
        while true {
            do {
                // Connecting and migrating block: not on the cooperative pool.
                return try await Task.detached {
                    try GlobalOptions.openStore(location, busyTimeout: busyTimeout, postgres: postgres)
                }.value
            } catch let error as StoreError {
                guard case .unavailable(let message) = error else { throw error }
                attempt += 1
                if attempt == 1 || attempt % 30 == 0 {
                    logger.warning("waiting for the database", metadata: ["database": "\(location)", "error": "\(message)"])
                }
                if await signals.next(within: .seconds(2)) != nil { return nil }
            }
        }
    }

    /// On a database without any token, creates an admin token and writes it to a file only the owner can
    /// read, so a fresh server is secure by default and still usable. When another gateway sharing the database
    /// creates it first, this one leaves it to that one.
    static func bootstrapAdminToken(core: Metagov, path: String, logger: Logger) async throws {
        guard try await !core.tokens.any() else { return }
        let token: String
        do {
            token = try await core.tokens.create(scope: .admin, name: "bootstrap-admin").token
        } catch let error as MetagovError where error.code == .alreadyExists {
            logger.notice("another gateway created the first admin token")
            return
        }
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        handle.write(Data((token + "\n").utf8))
        try handle.close()
        logger.notice("created the first admin token", metadata: ["file": "\(path)"])
        FileHandle.standardError.write(Data("metagovd: the first admin token is in \(path) (mode 0600)\n".utf8))
    }
}
