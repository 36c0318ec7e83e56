import MetagovHTTP2
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A server-side delegate that closes its connection from inside the nghttp2 callback named `closeOn`.
private final class ClosingDelegate: HTTP2ConnectionDelegate, @unchecked Sendable {
    enum Moment: Sendable { case headers, data, streamClosed }
    let closeOn: Moment
    let events = Mutex<[String]>([])

    init(closeOn: Moment) { self.closeOn = closeOn }

    private func note(_ event: String, _ moment: Moment, _ connection: HTTP2Connection) {
        self.events.withLock { $0.append(event) }
        if moment == self.closeOn {
            connection.close()
            // A second close from the same callback is harmless.
            connection.close()
            self.events.withLock { $0.append("closed in \(event)") }
        }
    }

    func connectionActive(_ connection: HTTP2Connection) {}
    func headersReceived(
        _ connection: HTTP2Connection, streamID: Int32, kind: HTTP2HeadersKind, headers: [HTTP2Header], endStream: Bool
    ) {
        self.note("headers", .headers, connection)
        if self.closeOn == .streamClosed { connection.resetStream(streamID: streamID, errorCode: .cancel) }
    }
    func dataReceived(_ connection: HTTP2Connection, streamID: Int32, data: ByteBuffer) {
        connection.consume(streamID: streamID, bytes: data.readableBytes)
        self.note("data", .data, connection)
    }
    func endOfStreamReceived(_ connection: HTTP2Connection, streamID: Int32) {}
    func endOfStreamSent(_ connection: HTTP2Connection, streamID: Int32) {}
    func streamClosed(_ connection: HTTP2Connection, streamID: Int32, errorCode: HTTP2ErrorCode) {
        self.note("streamClosed", .streamClosed, connection)
    }
    func goAwayReceived(_ connection: HTTP2Connection, lastStreamID: Int32, errorCode: HTTP2ErrorCode) {}
    func connectionClosed(_ connection: HTTP2Connection, error: (any Error)?) {
        self.events.withLock { $0.append("connectionClosed") }
    }
}

@Suite("HTTP2Connection.close()")
struct ConnectionCloseTests {
    @Test(
        "close() from inside an nghttp2 callback is deferred until nghttp2 returns, then closes the connection",
        arguments: [ClosingDelegate.Moment.headers, .data, .streamClosed])
    fileprivate func closeFromCallback(moment: ClosingDelegate.Moment) async throws {
        let delegate = ClosingDelegate(closeOn: moment)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let http2 = HTTP2Connection(role: .server)
                    http2.delegate = delegate
                    try channel.pipeline.syncOperations.addHandler(http2)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        let raw = try await RawFrameClient.connect(port: port)
        // Headers, DATA and more frames in one write: nghttp2 is still processing the buffer when the
        // delegate closes.
        try await raw.send(
            RawFrameClient.grpcRequest(stream: 1, path: "/x", endStream: false)
                + RawFrameClient.frame(RawFrameClient.data, flags: 0, stream: 1, [0, 0, 0, 0, 1, 7])
                + RawFrameClient.frame(RawFrameClient.ping, flags: 0, stream: 0, encodeUInt32s(1, 2))
                + RawFrameClient.grpcRequest(stream: 3, path: "/y", endStream: true))
        #expect(await raw.waitForClose())
        let events = delegate.events.withLock { $0 }
        let closedIn = events.firstIndex { $0.hasPrefix("closed in") }
        let gone = events.firstIndex(of: "connectionClosed")
        #expect(closedIn != nil && gone != nil)
        if let closedIn, let gone { #expect(closedIn < gone, "\(events)") }
        #expect(events.filter { $0 == "connectionClosed" }.count == 1)
        try await listener.close()
    }
}
