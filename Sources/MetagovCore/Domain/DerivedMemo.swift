/// Where a caller keeps what it derives from a value the core read (a transport: its encoded answer), so that
/// the next call served by the same value reuses it instead of deriving it again.
///
/// The core hands one out with values it serves from its read caches; the memo lives and goes with the cache
/// entry, so what is kept in it is never older than the value itself. Values read afresh come with a memo of
/// their own, used once.
public final class DerivedMemo: Sendable {
    private let kept = Locked<[String: any Sendable]>([:])

    public init() {}

    /// What was kept under `key` (naming what is derived, e.g. the method it answers), or what `make` derives
    /// (then kept for the next caller). Two callers racing may both derive it; either result is kept.
    public func value<T: Sendable>(_ key: String, _ make: () throws -> T) rethrows -> T {
        if let value = kept.withLock({ $0[key] }) as? T { return value }
        let made = try make()
        kept.withLock { $0[key] = made }
        return made
    }
}

/// A value the core served from one of its read caches, with the memo kept beside it there.
public struct Memoized<Value: Sendable>: Sendable {
    public let value: Value
    public let memo: DerivedMemo
}
