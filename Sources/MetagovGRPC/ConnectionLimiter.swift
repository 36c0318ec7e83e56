import NIOCore
import Synchronization

/// On the listening channel: counts open connections and closes, as soon as it is accepted, every connection
/// beyond `limit` (the client sees its connection closed at once instead of waiting in the backlog).
final class ConnectionLimiter: ChannelInboundHandler, Sendable {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let limit: Int?
    private let observer: (any GRPCServerObserver)?
    private let open = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)

    init(limit: Int?, observer: (any GRPCServerObserver)?) {
        self.limit = limit
        self.observer = observer
    }

    /// Connections closed on arrival because `limit` were open.
    var refusedConnections: Int { self.refused.load(ordering: .relaxed) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = self.unwrapInboundIn(data)
        if let limit = self.limit, self.open.load(ordering: .relaxed) >= limit {
            self.refused.wrappingAdd(1, ordering: .relaxed)
            self.observer?.refused(.connectionLimit, peer: describePeer(child.remoteAddress))
            child.close(promise: nil)
            return
        }
        self.open.wrappingAdd(1, ordering: .relaxed)
        child.closeFuture.whenComplete { _ in self.open.wrappingSubtract(1, ordering: .relaxed) }
        context.fireChannelRead(data)
    }
}
