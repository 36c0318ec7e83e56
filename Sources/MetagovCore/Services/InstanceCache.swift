import Foundation

/// The plugin instances of recently addressed (community, plugin type) pairs, so that the hot path of an
/// action or a webhook does not read the store for them on every call.
///
/// Changes made through this core (enable, reconfigure, disable, community deletion) invalidate the cache
/// at once; changes made by another process on the same database (the admin CLI) are seen within `ttl`.
/// A read that raced with an invalidation is not cached (generation check), so a stale list is never stored.
final class InstanceCache: Sendable {
    private struct Key: Hashable, Sendable {
        let community: String
        let name: String
    }

    private struct Entry: Sendable {
        let instances: [PluginInstance]
        let loadedAt: Date
    }

    private struct Contents: Sendable {
        var entries: [Key: Entry] = [:]
        var generation: UInt64 = 0
    }

    private let contents = Locked(Contents())
    private let ttl: TimeInterval?
    private let clock: any WallClock

    /// - Parameters:
    ///   - ttl: how long an entry is trusted, in seconds; `nil` disables caching.
    ///   - clock: the core's clock (tests move it by hand).
    init(ttl: TimeInterval?, clock: any WallClock) {
        self.ttl = ttl
        self.clock = clock
    }

    /// The instances of plugin type `name` in `community`: cached, or loaded with `load` (and cached when
    /// there are any).
    func instances(community: String, name: String, load: () async throws -> [PluginInstance]) async throws -> [PluginInstance] {
        guard let ttl else { return try await load() }
        let key = Key(community: community, name: name)
        let now = clock.now()
        let (cached, generation) = contents.withLock { contents -> ([PluginInstance]?, UInt64) in
            guard let entry = contents.entries[key], now.timeIntervalSince(entry.loadedAt) < ttl else { return (nil, contents.generation) }
            return (entry.instances, contents.generation)
        }
        if let cached { return cached }
        let loaded = try await load()
        guard !loaded.isEmpty else { return loaded }
        contents.withLock { contents in
            if contents.generation == generation { contents.entries[key] = Entry(instances: loaded, loadedAt: now) }
        }
        return loaded
    }

    /// Forgets everything; called after any change to plugin instances or communities.
    func invalidate() {
        contents.withLock { contents in
            contents.entries.removeAll(keepingCapacity: true)
            contents.generation &+= 1
        }
    }
}
