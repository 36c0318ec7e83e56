import Dispatch
import Foundation

/// SIGHUP, handled for as long as this object lives: each one runs `action` (on a private queue).
final class ReloadSignal {
    private let source: any DispatchSourceSignal

    init(_ action: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "metagovd.sighup"))
        source.setEventHandler(handler: action)
        source.resume()
        self.source = source
    }

    deinit { self.source.cancel() }
}
