/// Notifiers to wake together (event streams waiting for the log to grow); each registration ends when the
/// token returned by ``add(_:)`` is passed to ``remove(_:)``.
final class WatcherSet: Sendable {
    private let watchers = Locked<(next: Int, all: [Int: ChangeNotifier])>((0, [:]))

    /// Registers `notifier`; returns the token that removes it.
    func add(_ notifier: ChangeNotifier) -> Int {
        watchers.withLock { state in
            state.next += 1
            state.all[state.next] = notifier
            return state.next
        }
    }

    func remove(_ token: Int) {
        _ = watchers.withLock { $0.all.removeValue(forKey: token) }
    }

    /// Wakes every registered notifier.
    func notifyAll() {
        for notifier in watchers.withLock({ Array($0.all.values) }) { notifier.notify() }
    }
}
