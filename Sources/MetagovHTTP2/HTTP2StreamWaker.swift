import NIOCore
import NIOPosix
import Synchronization

/// Per-connection mailbox through which other threads ask the event loop to service streams
/// (submit headers, resume deferred data, reset). One `execute` per burst of wake-ups.
final class HTTP2StreamWaker: Sendable {
    let eventLoop: any EventLoop
    private let pending: Mutex<(streams: [HTTP2OutboundStream], scheduled: Bool)>
    private let target: NIOLoopBoundBox<HTTP2Connection?>
    /// Set once the connection is gone, so nothing is scheduled on a loop that may be shut down.
    private let detached = Atomic<Bool>(false)

    init(eventLoop: any EventLoop, connection: HTTP2Connection) {
        self.eventLoop = eventLoop
        self.pending = Mutex(([], false))
        self.target = NIOLoopBoundBox(connection, eventLoop: eventLoop)
    }

    var isDetached: Bool { self.detached.load(ordering: .acquiring) }

    func wake(_ stream: HTTP2OutboundStream) {
        if self.eventLoop.inEventLoop {
            self.target.value?.scheduleService(stream)
            return
        }
        if self.isDetached { return }
        let schedule = self.pending.withLock { pending -> Bool in
            pending.streams.append(stream)
            if pending.scheduled { return false }
            pending.scheduled = true
            return true
        }
        if schedule {
            if let batch = HTTP2WakeupBatching.current.currentValue, batch.active {
                batch.wakers.append(self)
            } else {
                self.scheduleDrain()
            }
        }
    }

    /// Wakes the event loop to service the pending streams.
    func scheduleDrain() {
        self.eventLoop.execute {
            self.drain()
        }
    }

    /// Runs `body` on the connection's loop with the connection; if the connection is already
    /// closed, runs `ifClosed` instead (inline or on the loop).
    func withConnection(
        _ body: @escaping @Sendable (HTTP2Connection) -> Void, ifClosed: (@Sendable () -> Void)? = nil
    ) {
        if self.eventLoop.inEventLoop {
            if let connection = self.target.value { body(connection) } else { ifClosed?() }
            return
        }
        if self.isDetached {
            ifClosed?()
            return
        }
        self.eventLoop.execute {
            if let connection = self.target.value { body(connection) } else { ifClosed?() }
        }
    }

    private func drain() {
        let streams = self.pending.withLock { pending -> [HTTP2OutboundStream] in
            pending.scheduled = false
            var taken: [HTTP2OutboundStream] = []
            swap(&taken, &pending.streams)
            return taken
        }
        guard let connection = self.target.value else { return }
        connection.serviceStreams(streams)
    }

    /// Breaks the reference cycle with the connection once it is closed.
    func detach() {
        self.detached.store(true, ordering: .releasing)
        self.target.value = nil
    }
}
