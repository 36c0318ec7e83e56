import NIOCore
import Synchronization

/// Counts bytes queued in `HTTP2OutboundStream`s that have not yet been handed to nghttp2
/// (i.e. application data buffered because of flow control or a slow socket).
/// Shared by all streams of a server; safe to read from any thread.
package final class HTTP2BufferAccounting: Sendable {
    private let current = Atomic<Int>(0)
    private let peak = Atomic<Int>(0)

    package init() {}

    /// Bytes currently buffered.
    package var bufferedBytes: Int { self.current.load(ordering: .relaxed) }
    /// The largest value `bufferedBytes` has reached.
    package var peakBufferedBytes: Int { self.peak.load(ordering: .relaxed) }

    /// Resets the peak to the current value.
    package func resetPeak() {
        self.peak.store(self.current.load(ordering: .relaxed), ordering: .relaxed)
    }

    @usableFromInline
    func add(_ n: Int) {
        let now = self.current.wrappingAdd(n, ordering: .relaxed).newValue
        var seen = self.peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = self.peak.compareExchange(
                expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    @usableFromInline
    func remove(_ n: Int) {
        self.current.wrappingSubtract(n, ordering: .relaxed)
    }
}
