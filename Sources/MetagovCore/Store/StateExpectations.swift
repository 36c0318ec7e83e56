/// What a unit of work read from keyed state (a plugin instance's state, or a process's entries), checked when
/// it commits: optimistic concurrency by value. The commit fails with ``StoreError/conflict(_:)`` when a key
/// read holds another value by then, so units that touch different keys never conflict, and a unit whose reads
/// still hold is equivalent to one that ran at its commit.
public struct StateExpectations: Sendable, Hashable {
    /// The value each key had when read (`nil`: absent).
    public var values: [String: JSONValue?]
    /// The whole state, when the unit read it as a whole (any key added, changed or removed conflicts).
    public var whole: [String: JSONValue]?

    public init(values: [String: JSONValue?] = [:], whole: [String: JSONValue]? = nil) {
        self.values = values
        self.whole = whole
    }

    /// Whether there is nothing to check.
    public var isEmpty: Bool { values.isEmpty && whole == nil }

    /// Whether `current` (all keys) and `value(key)` (one key) still hold what was read.
    public func hold(value: (String) throws -> JSONValue?, whole current: () throws -> [String: JSONValue]) rethrows -> Bool {
        for (key, expected) in values where try value(key) != expected { return false }
        if let whole, try current() != whole { return false }
        return true
    }
}
