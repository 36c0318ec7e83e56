/// Where a caller keeps what it derives from a value the core read (a transport: its encoded answer), so that
/// the next call served by the same value reuses it instead of deriving it again.
///
/// The core hands one out with values it serves from its read caches; the memo lives and goes with the cache
/// entry, so what is kept in it is never older than the value itself. Values read afresh come with a memo of
/// their own, used once.
public final class DerivedMemo: Sendable {
    private let kept = Locked<(any Sendable)?>(nil)

    public init() {}

    /// What was kept of type `T`, or what `make` derives (then kept for the next caller). Two callers racing
    /// may both derive it; either result is kept.
    public func value<T: Sendable>(_ make: () throws -> T) rethrows -> T {
        if let value = kept.value as? T { return value }
        let made = try make()
        kept.withLock { $0 = made }
        return made
    }
}
