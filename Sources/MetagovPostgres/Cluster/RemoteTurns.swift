import Synchronization

/// The turns other gateways hold, as their notifications tell (channel ``channel``, payload `ORIGIN|+KEY` or
/// `ORIGIN|-KEY`): writers of this gateway to an instance another gateway is retrying join the turns at once
/// instead of racing the retrying writer (which could otherwise lose to fresh writers again and again). Only
/// fairness depends on it, never correctness: a missed notification costs one more conflict, and an entry is
/// forgotten after ``lifetime`` (its holder may have died without a word).
final class RemoteTurns: Sendable {
    static let channel = "metagov_turns"
    static let lifetime: Duration = .seconds(10)

    private let taken = Mutex<[Int64: ContinuousClock.Instant]>([:])

    /// Whether another gateway holds the turn for `key`.
    func isTaken(_ key: Int64) -> Bool {
        taken.withLock { taken in
            guard let since = taken[key] else { return false }
            if ContinuousClock.now - since < Self.lifetime { return true }
            taken[key] = nil
            return false
        }
    }

    /// Applies a notification from another gateway (those of `origin`, this store, are ignored).
    func apply(payload: String, origin: String) {
        guard let bar = payload.firstIndex(of: "|"), payload[..<bar] != origin else { return }
        let change = payload[payload.index(after: bar)...]
        guard let sign = change.first, let key = Int64(change.dropFirst()) else { return }
        taken.withLock { $0[key] = sign == "+" ? ContinuousClock.now : nil }
    }

    /// Forgets everything (notifications may have been missed).
    func clear() { taken.withLock { $0.removeAll() } }

    /// The payload announcing that `origin` took (`taken`) or released the turn for `key`.
    static func payload(origin: String, key: Int64, taken: Bool) -> String { "\(origin)|\(taken ? "+" : "-")\(key)" }
}
