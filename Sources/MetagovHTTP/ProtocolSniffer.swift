import NIOCore

/// Decides from the first bytes of a connection whether it speaks HTTP/2 (the client connection preface
/// `PRI * HTTP/2.0...`) or HTTP/1.1, installs the matching handlers and replays what it read.
package final class ProtocolSniffer: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = ByteBuffer

    private static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    private var buffered: ByteBuffer?
    private let installHTTP2: (ChannelHandlerContext) throws -> Void
    private let installHTTP1: (ChannelHandlerContext) throws -> Void

    package init(
        http2: @escaping (ChannelHandlerContext) throws -> Void, http1: @escaping (ChannelHandlerContext) throws -> Void
    ) {
        self.installHTTP2 = http2
        self.installHTTP1 = http1
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = self.unwrapInboundIn(data)
        if var buffered = self.buffered {
            buffered.writeBuffer(&incoming)
            self.buffered = buffered
        } else {
            self.buffered = incoming
        }
        guard let buffered = self.buffered else { return }
        let prefix = buffered.readableBytesView.prefix(Self.preface.count)
        let isHTTP2Prefix = prefix.elementsEqual(Self.preface.prefix(prefix.count))
        if isHTTP2Prefix && prefix.count < Self.preface.count { return }  // wait for more
        do {
            if isHTTP2Prefix {
                try self.installHTTP2(context)
            } else {
                try self.installHTTP1(context)
            }
        } catch {
            context.close(promise: nil)
            return
        }
        self.buffered = nil
        context.fireChannelRead(self.wrapInboundOut(buffered))
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }

    package typealias InboundOut = ByteBuffer
}
