import Foundation

/// Values read from the store that the hot paths reuse instead of reading (and decoding) them again: plugin
/// instances by (community, type), communities with their plugins, processes by id.
///
/// Changes made through this core invalidate the cache at once (``invalidate()``), as do changes another
/// gateway on the same PostgreSQL database notifies; changes made by a process that does not notify (the
/// admin CLI on the same SQLite file) are seen within `ttl`. A read that raced with an invalidation is not
/// cached (generation check), so a stale value is never stored.
///
/// Each entry keeps a ``DerivedMemo`` beside its value, for what callers derive from it (a transport's encoded
/// answer), dropped with it.
///
/// Bounded in bytes: each entry counts twice its value's estimated `size` (the value, and room for what is
/// derived into its memo); past `maxBytes` the oldest entries are dropped.
package final class ReadCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let value: Value
        let memo: DerivedMemo
        let loadedAt: Date
        let bytes: Int
        let sequence: UInt64
    }

    private struct Contents: Sendable {
        var entries: [Key: Entry] = [:]
        /// Keys in the order they were stored, with the sequence number of that store (a key stored again later
        /// leaves a stale pair behind, skipped when its turn to be dropped comes).
        var order: [(key: Key, sequence: UInt64)] = []
        var orderStart = 0
        var bytes = 0
        var generation: UInt64 = 0
        var nextSequence: UInt64 = 0
    }

    private let contents = Locked(Contents())
    private let ttl: TimeInterval?
    private let maxBytes: Int
    private let clock: any WallClock
    private let size: @Sendable (Value) -> Int

    /// - Parameters:
    ///   - ttl: how long an entry is trusted, in seconds; `nil` disables caching.
    ///   - maxBytes: the most the entries may take together (estimated by `size`).
    ///   - clock: the core's clock (tests move it by hand).
    package init(ttl: TimeInterval?, maxBytes: Int, clock: any WallClock, size: @escaping @Sendable (Value) -> Int) {
        self.ttl = ttl
        self.maxBytes = maxBytes
        self.clock = clock
        self.size = size
    }

    /// The value for `key`: cached, or loaded with `load` (and cached when `keep` says so).
    package func value(
        _ key: Key, keep: (Value) -> Bool = { _ in true }, load: () async throws -> Value
    ) async throws -> Value {
        guard let ttl else { return try await load() }
        let now = clock.now()
        let (cached, generation) = lookup(key, at: now, ttl: ttl)
        if let cached { return cached.value }
        let loaded = try await load()
        if keep(loaded) { store(loaded, memo: DerivedMemo(), for: key, loadedAt: now, ifStill: generation) }
        return loaded
    }

    /// The value for `key` with its entry's memo: cached, or loaded with `load` (and cached when `keep` says so;
    /// a value not cached comes with a memo of its own).
    package func memoized(
        _ key: Key, keep: (Value) -> Bool = { _ in true }, load: () async throws -> Value
    ) async throws -> Memoized<Value> {
        guard let ttl else { return Memoized(value: try await load(), memo: DerivedMemo()) }
        let now = clock.now()
        let (cached, generation) = lookup(key, at: now, ttl: ttl)
        if let cached { return Memoized(value: cached.value, memo: cached.memo) }
        let loaded = Memoized(value: try await load(), memo: DerivedMemo())
        if keep(loaded.value) { store(loaded.value, memo: loaded.memo, for: key, loadedAt: now, ifStill: generation) }
        return loaded
    }

    /// The entry for `key` if it is younger than `ttl` at `now`, and the generation the lookup saw.
    private func lookup(_ key: Key, at now: Date, ttl: TimeInterval) -> (Entry?, UInt64) {
        contents.withLock { contents in
            guard let entry = contents.entries[key], now.timeIntervalSince(entry.loadedAt) < ttl else {
                return (nil, contents.generation)
            }
            return (entry, contents.generation)
        }
    }

    /// Caches `value` (with `memo`) unless something was invalidated since the lookup that saw `generation`, or
    /// it would not fit at all.
    private func store(_ value: Value, memo: DerivedMemo, for key: Key, loadedAt now: Date, ifStill generation: UInt64) {
        let bytes = 2 * size(value)
        guard bytes <= maxBytes else { return }
        contents.withLock { contents in
            guard contents.generation == generation else { return }
            contents.nextSequence &+= 1
            let entry = Entry(value: value, memo: memo, loadedAt: now, bytes: bytes, sequence: contents.nextSequence)
            contents.bytes += bytes - (contents.entries.updateValue(entry, forKey: key)?.bytes ?? 0)
            contents.order.append((key, entry.sequence))
            Self.shrink(&contents, to: maxBytes)
        }
    }

    /// Forgets everything; called after any change to what is cached.
    package func invalidate() {
        contents.withLock { contents in
            contents.entries.removeAll(keepingCapacity: true)
            contents.order.removeAll(keepingCapacity: true)
            contents.orderStart = 0
            contents.bytes = 0
            contents.generation &+= 1
        }
    }

    /// Forgets the value of `key`; called after a change to it. Reads of any key still in progress are not
    /// cached (they may have read the value before the change).
    package func invalidate(_ key: Key) {
        contents.withLock { contents in
            if let entry = contents.entries.removeValue(forKey: key) { contents.bytes -= entry.bytes }
            contents.generation &+= 1
        }
    }

    /// What the entries take now, estimated.
    package var bytes: Int { contents.withLock { $0.bytes } }

    /// Drops the oldest entries until the rest fit in `limit`; compacts the order list as it goes.
    private static func shrink(_ contents: inout Contents, to limit: Int) {
        while contents.bytes > limit, contents.orderStart < contents.order.count {
            let (key, sequence) = contents.order[contents.orderStart]
            contents.orderStart += 1
            if let entry = contents.entries[key], entry.sequence == sequence {
                contents.entries[key] = nil
                contents.bytes -= entry.bytes
            }
        }
        // Stale pairs (keys stored again, or dropped) are removed once they are most of the list.
        if contents.order.count > 64, contents.order.count > 2 * max(contents.entries.count, 1) {
            contents.order = contents.order[contents.orderStart...].filter { contents.entries[$0.key]?.sequence == $0.sequence }
            contents.orderStart = 0
        }
    }
}
