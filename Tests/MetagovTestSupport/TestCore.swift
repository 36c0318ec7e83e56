import Foundation
import MetagovCore
import MetagovSQLite

/// A clock tests move by hand.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)

    public init() {}
    public func now() -> Date { lock.withLock { current } }
    public func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// A temporary database file that is removed when the test ends.
public final class TemporaryDatabase {
    public let directory: URL
    public var path: String { directory.appendingPathComponent("metagov.sqlite").path }

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("metagov-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// Builds a core over a fresh database with the given extensions loaded in order.
public func makeTestCore(
    _ extensions: [any MetagovExtension], database: TemporaryDatabase? = nil,
    clock: ManualClock = ManualClock(), raw: [String: String] = [:]
) throws -> Metagov {
    let registry = try ExtensionRegistry(available: extensions)
    try registry.load(extensions.map(\.name))
    let config = try MetagovConfig(declaration: Metagov.configDeclaration(registry: registry), raw: raw)
    let store: any Store = try database.map { try SQLiteStore(path: $0.path) } ?? SQLiteStore.inMemory()
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
