/// Delivers signals to their subscribers, synchronously and in subscription order.
public final class SignalBus: Sendable {
    /// Identifies a subscription made with ``connect(_:)``, to disconnect it later.
    public struct Token: Sendable, Hashable {
        fileprivate let id: Int
    }

    private struct Entry: Sendable {
        var id: Int
        var subscription: SignalSubscription
    }

    private struct Table: Sendable {
        var nextID = 0
        var bySignal: [String: [Entry]] = [:]
    }

    private let table = Locked(Table())

    public init() {}

    /// Adds a subscriber; it receives every later matching signal until disconnected.
    @discardableResult
    public func connect(_ subscription: SignalSubscription) -> Token {
        table.withLock { table in
            table.nextID += 1
            table.bySignal[subscription.signal, default: []].append(Entry(id: table.nextID, subscription: subscription))
            return Token(id: table.nextID)
        }
    }

    /// Removes a subscriber.
    public func disconnect(_ token: Token) {
        table.withLock { table in
            for key in table.bySignal.keys {
                table.bySignal[key]?.removeAll { $0.id == token.id }
            }
        }
    }

    /// Whether anyone listens to `name` (lets senders skip building payloads).
    public func hasSubscribers(_ name: String) -> Bool {
        table.withLock { !($0.bySignal[name]?.isEmpty ?? true) }
    }

    /// Delivers `signal` to every matching subscriber.
    public func send(_ signal: Signal) {
        let entries = table.withLock { $0.bySignal[signal.name] ?? [] }
        for entry in entries where entry.subscription.sender == nil || entry.subscription.sender == signal.sender {
            entry.subscription.receiver(signal)
        }
    }
}
