import MetagovHTTP2
import NIOCore
import NIOPosix
import Synchronization

/// The gRPC protocol on the client side of one HTTP/2 connection. Loop-confined state is only
/// touched on the connection's event loop; the rest is behind locks.
final class GRPCClientConnection: HTTP2ConnectionDelegate, @unchecked Sendable {
    let configuration: GRPCClientConfiguration
    let authority: String

    // Event loop only.
    @exclusivity(unchecked) private var calls: [Int32: ClientCall] = [:]
    @exclusivity(unchecked) private var closed = false
    @exclusivity(unchecked) private var eventLoop: (any EventLoop)?

    private let handleBox = Mutex<HTTP2ConnectionHandle?>(nil)

    init(configuration: GRPCClientConfiguration, authority: String) {
        self.configuration = configuration
        self.authority = authority
    }

    var handle: HTTP2ConnectionHandle? {
        self.handleBox.withLock { $0 }
    }

    func setHandle(_ handle: HTTP2ConnectionHandle?) {
        self.handleBox.withLock { $0 = handle }
    }

    /// Runs `body` on the loop with the HTTP/2 connection, or `ifClosed` if it is gone.
    func execute(_ body: @escaping @Sendable (HTTP2Connection) -> Void, ifClosed: (@Sendable () -> Void)? = nil) {
        guard let handle = self.handle else {
            ifClosed?()
            return
        }
        handle.execute(body, ifClosed: ifClosed)
    }

    /// Opens the call's stream (on the loop).
    func start(_ call: ClientCall, headers: [HTTP2Header]) {
        let unavailable = GRPCStatus(.unavailable, "connection closed")
        self.execute({ connection in
            self.startOnLoop(call, headers: headers, connection: connection)
        }, ifClosed: {
            call.finish(unavailable, trailing: nil)
        })
    }

    private func startOnLoop(_ call: ClientCall, headers: [HTTP2Header], connection: HTTP2Connection) {
        if call.outbound.isClosed && call.failedStatus != nil {
            return  // cancelled before it started
        }
        guard !self.closed, connection.isAcceptingStreams else {
            call.finish(GRPCStatus(.unavailable, "connection is closing"), trailing: nil)
            return
        }
        do {
            let streamID = try connection.startRequest(headers: headers, outbound: call.outbound)
            call.streamID = streamID
            self.calls[streamID] = call
            if let eventLoop = self.eventLoop {
                call.armTimer(on: eventLoop)
            }
        } catch {
            call.finish(GRPCStatus(.unavailable, "could not start call: \(error)"), trailing: nil)
        }
    }

    // MARK: HTTP2ConnectionDelegate

    func connectionActive(_ connection: HTTP2Connection) {
        self.eventLoop = connection.eventLoop
    }

    func headersReceived(
        _ connection: HTTP2Connection, streamID: Int32, kind: HTTP2HeadersKind, headers: [HTTP2Header],
        endStream: Bool
    ) {
        guard let call = self.calls[streamID] else { return }
        switch kind {
        case .response:
            call.onResponseHeaders(headers, endStream: endStream, connection: connection)
        case .trailers:
            call.onTrailers(headers)
        case .request:
            break
        }
    }

    func dataReceived(_ connection: HTTP2Connection, streamID: Int32, data: ByteBuffer) {
        if let call = self.calls[streamID] {
            call.onData(data, connection: connection)
        } else {
            connection.consume(streamID: streamID, bytes: data.readableBytes)
        }
    }

    func endOfStreamReceived(_ connection: HTTP2Connection, streamID: Int32) {
        self.calls[streamID]?.onEndOfStreamWithoutTrailers()
    }

    func endOfStreamSent(_ connection: HTTP2Connection, streamID: Int32) {}

    func streamClosed(_ connection: HTTP2Connection, streamID: Int32, errorCode: HTTP2ErrorCode) {
        self.calls.removeValue(forKey: streamID)?.onStreamClosed(errorCode)
    }

    func goAwayReceived(_ connection: HTTP2Connection, lastStreamID: Int32, errorCode: HTTP2ErrorCode) {
        // nghttp2 closes (REFUSED_STREAM) the streams above lastStreamID; the others finish.
    }

    func connectionClosed(_ connection: HTTP2Connection, error: (any Error)?) {
        self.closed = true
        let calls = self.calls
        self.calls.removeAll()
        let status = GRPCStatus(.unavailable, "connection closed")
        for (_, call) in calls {
            call.finish(status, trailing: nil)
        }
    }
}
