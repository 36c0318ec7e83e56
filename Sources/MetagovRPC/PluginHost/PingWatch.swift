import Synchronization

/// The pings sent on one plugin host's stream and not answered yet: a host that leaves one unanswered past
/// the timeout is considered dead. Holds at most a handful of entries (the stream ends before more pile up);
/// pongs with nonces never sent are ignored.
final class PingWatch: Sendable {
    private let outstanding = Mutex<[UInt64: ContinuousClock.Instant]>([:])
    private let lastNonce = Mutex<UInt64>(0)

    /// Records a ping about to be sent; returns its nonce.
    func sending(at now: ContinuousClock.Instant) -> UInt64 {
        let nonce = lastNonce.withLock { nonce in
            nonce += 1
            return nonce
        }
        outstanding.withLock { $0[nonce] = now }
        return nonce
    }

    /// The host answered the ping `nonce`.
    func answered(_ nonce: UInt64) {
        _ = outstanding.withLock { $0.removeValue(forKey: nonce) }
    }

    /// When the oldest unanswered ping was sent.
    var oldestUnanswered: ContinuousClock.Instant? {
        outstanding.withLock { $0.values.min() }
    }
}
