import Foundation
import MetagovCore

/// A clock tests move by hand.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)

    public init() {}
    public func now() -> Date { lock.withLock { current } }
    public func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// Builds a core over a fresh store (or a store opened on `database`) with the given extensions loaded in order.
/// With `hearsPeers: false` the core is never told of other processes' commits (a gateway whose notifications
/// are late).
public func makeTestCore(
    _ extensions: [any MetagovExtension], backend: StoreBackend = .sqlite, database: TestDatabase? = nil,
    clock: ManualClock = ManualClock(), raw: [String: String] = [:], hearsPeers: Bool = true
) throws -> Metagov {
    let registry = try ExtensionRegistry(available: extensions)
    try registry.load(extensions.map(\.name))
    let config = try MetagovConfig(declaration: Metagov.configDeclaration(registry: registry), raw: raw)
    let opened = try database.map { try $0.openStore() } ?? backend.makeStore()
    let store = hearsPeers ? opened : OwnedStore(opened, owner: nil, hearsPeers: false)
    return try Metagov(store: store, registry: registry, config: config, clock: clock)
}

/// The error `body` throws as a ``MetagovError``, or `nil` when it throws nothing or something else.
public func metagovError(_ body: () async throws -> Void) async -> MetagovError? {
    do {
        try await body()
        return nil
    } catch let error as MetagovError {
        return error
    } catch {
        return nil
    }
}

/// Records what observers and signal subscribers receive.
public final class Recorder<Item: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Item] = []

    public init() {}
    public func append(_ item: Item) { lock.withLock { stored.append(item) } }
    public var items: [Item] { lock.withLock { stored } }
}
