import Foundation
import Logging

/// The governance core: communities, plugin instances, actions, governance processes, events and identity
/// over a ``Store``, extended by the loaded extensions of an ``ExtensionRegistry``.
///
/// Transports (the gRPC server, the admin CLI, tests) call the services: ``communities``, ``plugins``,
/// ``actions``, ``processes``, ``events``, ``identity``, ``scheduler``, ``webhooks`` and ``authorization``. Every method
/// throws ``MetagovError`` for failures the caller should see. Methods that touch the store are `async`: they
/// suspend while the store works (a write until its unit of work is committed) and never block the caller's
/// thread on a lock held by another process.
public final class Metagov: Sendable {
    public let store: any Store
    public let registry: ExtensionRegistry
    public let config: MetagovConfig
    /// The signal bus; the core sends ``SignalName/processUpdated`` and ``SignalName/eventCreated``.
    public let signals: SignalBus
    public let logger: Logger
    let clock: any WallClock
    let catalog: PluginCatalog
    let auth: AuthTable
    let observers: [any ModificationObserver]
    /// How API tokens look and are hashed (an ``AuthenticationProvider`` may replace it).
    public let tokenCodec: any TokenCodec
    /// Who is calling, from request metadata (an ``AuthenticationProvider`` may replace it).
    public let authenticator: any Authenticator
    let maxHookAttempts: Int
    /// Serializes repeated attempts of conflicting units of work per plugin instance.
    let retryTurns = KeyedAsyncLock()
    /// Recently addressed plugin instances by (community, type) (see ``CoreConfig/instanceCacheSeconds``).
    let instanceCache: ReadCache<InstanceKey, [PluginInstance]>
    /// Recently read communities with their plugins: single ones and pages (see
    /// ``CoreConfig/instanceCacheSeconds``).
    let communityCache: ReadCache<CommunityQuery, [CommunityDetails]>
    /// Recently read process records by id (`GetProcess`), dropped by every commit that changes the process (see
    /// ``CoreConfig/instanceCacheSeconds``).
    let processCache: ReadCache<Int64, GovernanceProcess?>
    /// The newest committed events, for subscribers that keep up.
    let eventTail = EventTail()
    /// Event streams waiting for the log to grow, woken by other processes' commits.
    let logWatchers = WatcherSet()
    /// Writes of units of work queued for the store and not committed yet.
    let pendingWrites: PendingWrites
    /// Process ids reserved in the store for processes being started.
    let processIDs = ProcessIDReservations()
    /// The connected plugin hosts and the invocations in flight to them.
    let hostRouter: PluginHostRouter
    /// Serializes registrations of plugin hosts, so that concurrent ones see each other's types.
    let registrations = KeyedAsyncLock()
    /// When each periodic task last ran for each instance ("ID/TASK"), for tasks with an interval.
    let periodicRuns = Locked<[String: Date]>([:])
    /// The core's metrics (no-ops without a metrics backend bootstrapped before the core was built).
    let metrics = CoreMetricHandles()

    /// Builds the core from loaded extensions: resolves plugin types, actions and their chains, auth
    /// functions, validators and signal subscriptions, and calls every ``Configurable``.
    ///
    /// - Parameters:
    ///   - store: where everything is kept (SQLite, or another ``Store``).
    ///   - registry: the loaded extensions.
    ///   - config: the resolved configuration; by default the declared defaults.
    ///   - clock: the time hooks, retention and caches see (tests pass one they move by hand).
    ///   - logger: where the core logs.
    public init(
        store: any Store, registry: ExtensionRegistry, config: MetagovConfig? = nil,
        clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "metagov")
    ) throws {
        let config = try config ?? MetagovConfig(declaration: Self.configDeclaration(registry: registry), raw: [:])
        self.store = store
        self.registry = registry
        self.config = config
        self.clock = clock
        self.logger = logger
        self.maxHookAttempts = max(1, config.int(CoreConfig.hookAttempts) ?? 10)
        let cacheSeconds = config.double(CoreConfig.instanceCacheSeconds) ?? 2
        let ttl = cacheSeconds > 0 ? cacheSeconds : nil
        self.instanceCache = ReadCache(ttl: ttl, maxBytes: Self.readCacheBytes, clock: clock) {
            $0.reduce(64) { $0 + $1.estimatedSize }
        }
        self.communityCache = ReadCache(ttl: ttl, maxBytes: Self.readCacheBytes, clock: clock) {
            $0.reduce(64) { $0 + $1.estimatedSize }
        }
        self.processCache = ReadCache(ttl: ttl, maxBytes: Self.readCacheBytes, clock: clock) { $0?.estimatedSize ?? 0 }
        let committedSeconds = config.double(CoreConfig.committedWritesSeconds) ?? 1
        self.pendingWrites = PendingWrites(committedLifetime: .milliseconds(Int64(committedSeconds * 1000)))
        var formats: [String: NamedValidator] = [:]
        for provider in registry.implementations(of: (any ValidatorProvider).self) {
            formats.merge(provider.validators()) { _, later in later }
        }
        self.auth = AuthTable(registry: registry)
        self.catalog = try PluginCatalog(registry: registry, formats: formats, auth: auth)
        let timeout = config.double(CoreConfig.pluginHostInvocationTimeout) ?? 30
        self.hostRouter = PluginHostRouter(invocationTimeout: timeout > 0 ? .milliseconds(Int64(timeout * 1000)) : nil)
        self.observers = registry.implementations(of: (any ModificationObserver).self)
        let authentication = registry.implementations(of: (any AuthenticationProvider).self)
        self.tokenCodec = authentication.compactMap { $0.tokenCodec() }.last ?? MetagovTokenCodec()
        self.authenticator = authentication.compactMap { $0.authenticator() }.last ?? BearerTokenAuthenticator()
        self.signals = SignalBus()
        for subscriber in registry.implementations(of: (any SignalSubscriber).self) {
            for subscription in subscriber.signalSubscriptions() { signals.connect(subscription) }
        }
        for configurable in registry.implementations(of: (any Configurable).self) {
            try configurable.configure(config)
        }
        store.observeChanges { [weak self] change in self?.apply(change) }
    }

    /// The most each read cache holds, in estimated bytes.
    static let readCacheBytes = 16 << 20

    /// Drops the read caches of communities and plugin instances, and of processes (deleting a community or a
    /// plugin instance deletes its processes): called after any change to communities or plugin instances.
    func directoryChanged() {
        instanceCache.invalidate()
        communityCache.invalidate()
        processCache.invalidate()
    }

    /// Catches up with a change another process committed: wakes event streams, drops stale caches.
    func apply(_ change: StoreChange) {
        switch change {
        case .eventsAppended:
            logWatchers.notifyAll()
        case .eventsDeleted:
            eventTail.clear()
            logWatchers.notifyAll()
        case .pluginInstancesChanged:
            directoryChanged()
        case .tokensChanged:
            break  // Tokens are read from the store on every call: nothing cached to drop.
        case .stateChanged:
            processCache.invalidate()
            pendingWrites.forgetCommitted()
        case .unknown:
            directoryChanged()
            pendingWrites.forgetCommitted()
            eventTail.clear()
            logWatchers.notifyAll()
        }
    }

    /// Every configuration option: the core's and those declared by the registry's loaded extensions.
    public static func configDeclaration(registry: ExtensionRegistry) -> ConfigDeclaration {
        var declaration = ConfigDeclaration()
        CoreConfig.declare(&declaration, available: registry.availableNames)
        for declaring in registry.implementations(of: (any ConfigDeclaring).self) {
            declaring.declareConfig(&declaration)
        }
        return declaration
    }

    public var communities: CommunityService { CommunityService(core: self) }
    public var plugins: PluginService { PluginService(core: self) }
    public var actions: ActionService { ActionService(core: self) }
    public var processes: ProcessService { ProcessService(core: self) }
    public var events: EventService { EventService(store: store) }
    public var identity: IdentityService { IdentityService(store: store) }
    public var scheduler: Scheduler { Scheduler(core: self) }
    public var webhooks: WebhookService { WebhookService(core: self) }
    public var authorization: AuthorizationService { AuthorizationService(core: self) }
    public var tokens: TokenService { TokenService(core: self) }
    public var outbox: OutboxService { OutboxService(core: self) }
    /// Plugin types served out of process: registering plugin hosts and routing invocations to them.
    package var pluginHosts: PluginHostService { PluginHostService(core: self) }

    /// The current time of the core's clock.
    public func now() -> Date { clock.now() }

    /// Runs a store read, translating store errors.
    func read<T: Sendable>(_ body: @Sendable (any StoreReader) throws -> T) async throws -> T {
        try await store.readTranslatingErrors(body)
    }

    /// Runs a store write, translating store errors.
    func write<T: Sendable>(_ body: @Sendable (any StoreWriter) throws -> T) async throws -> T {
        try await store.writeTranslatingErrors(body)
    }

    /// Tells every ``ModificationObserver`` about committed changes.
    func notify(_ modifications: [Modification]) {
        guard !observers.isEmpty else { return }
        for modification in modifications {
            for observer in observers { observer.notify(modification) }
        }
    }

    /// The registered plugin type `name`, or NOT_FOUND.
    func pluginType(_ name: String) throws -> RegisteredPluginType {
        guard let type = catalog[name] else { throw MetagovError.notFound("plugin type '\(name)'") }
        return type
    }

    /// The auth function deciding `action`: a plugin action's (`plugin.slug`, resolved with its type) or a
    /// core action's.
    func resolveAuth(_ action: String) -> AuthTable.Resolved {
        // Searched as UTF-8 bytes: `firstIndex(of:)` on the string walks it by grapheme cluster (4% of a
        // PerformAction's handler time).
        if let dot = action.utf8.firstIndex(of: UInt8(ascii: ".")), let type = catalog[String(action[..<dot])],
            let resolved = type.actions[String(action[action.index(after: dot)...])]
        {
            return resolved.auth
        }
        return auth.resolve(action)
    }
}
