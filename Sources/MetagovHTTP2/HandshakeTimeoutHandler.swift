import NIOCore

/// Tells the connection's `HandshakeTimeoutHandler` that the peer completed its handshake (an HTTP/2
/// client preface and SETTINGS, or a whole first HTTP/1.1 request). Sent as an outbound user event.
package struct HandshakeCompleted: Sendable {
    package init() {}
}

/// Closes a connection whose peer does not complete its handshake within `timeout` of connecting: clients
/// that connect and send nothing, or only part of a preface or request, hold no connection for long.
package final class HandshakeTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    package typealias InboundIn = NIOAny
    package typealias OutboundIn = NIOAny

    private let timeout: TimeAmount
    private let onTimeout: @Sendable () -> Void
    private var timer: Scheduled<Void>?
    private var completed = false

    /// - Parameter onTimeout: called when a connection is closed for this reason (before it closes).
    package init(timeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void = {}) {
        self.timeout = timeout
        self.onTimeout = onTimeout
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let onTimeout = self.onTimeout
        self.timer = context.eventLoop.scheduleTask(in: self.timeout) {
            onTimeout()
            channel.close(promise: nil)
        }
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.timer?.cancel()
        self.timer = nil
    }

    package func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is HandshakeCompleted else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        promise?.succeed(())
        guard !self.completed else { return }
        self.completed = true
        self.timer?.cancel()
        self.timer = nil
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
