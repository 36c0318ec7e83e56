import NIOCore

/// A Sendable way to run code on an `HTTP2Connection`'s event loop from any thread.
public struct HTTP2ConnectionHandle: Sendable {
    let waker: HTTP2StreamWaker

    /// The connection's event loop.
    public var eventLoop: any EventLoop { self.waker.eventLoop }

    /// Runs `body` on the event loop with the connection; if the connection has been closed,
    /// runs `ifClosed` instead. Runs inline when already on the event loop.
    public func execute(
        _ body: @escaping @Sendable (HTTP2Connection) -> Void, ifClosed: (@Sendable () -> Void)? = nil
    ) {
        self.waker.withConnection(body, ifClosed: ifClosed)
    }

    /// Whether the connection is known to be closed.
    public var isClosed: Bool { self.waker.isDetached }
}
