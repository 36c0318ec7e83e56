import MetagovAdmin
import ArgumentParser
import Dispatch
import Foundation
import Logging
import MetagovCore
import MetagovDelivery
import MetagovGRPC
import MetagovRPC

/// SIGINT and SIGTERM, handled from the moment `install()` returns (so a signal that arrives while the server
/// is starting is not lost and does not kill the process), awaited with `next()`.
final class ShutdownSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var received: String?
    private var waiter: CheckedContinuation<String, Never>?
    private var sources: [any DispatchSourceSignal] = []

    private init() {}

    /// Ignores the default action of SIGINT and SIGTERM and starts recording them.
    static func install() -> ShutdownSignal {
        let signals = ShutdownSignal()
        let queue = DispatchQueue(label: "metagovd.signals")
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [signals] in signals.record(name) }
            source.resume()
            signals.sources.append(source)
        }
        return signals
    }

    /// The first signal received, waiting for one if none has arrived yet.
    func next() async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            lock.lock()
            if let received {
                lock.unlock()
                continuation.resume(returning: received)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }

    /// The first signal received, if one arrives within `duration` (looked at every 100 ms); nil otherwise.
    func next(within duration: Duration) async -> String? {
        let deadline = ContinuousClock.now + duration
        while true {
            if let name = lock.withLock({ received }) { return name }
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private func record(_ name: String) {
        lock.lock()
        guard received == nil else { return lock.unlock() }
        received = name
        let waiting = waiter
        waiter = nil
        lock.unlock()
        waiting?.resume(returning: name)
    }
}
