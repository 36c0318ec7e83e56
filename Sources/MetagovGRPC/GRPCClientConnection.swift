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

    /// Where the connection is in its life; calls started while it connects wait in `.connecting`.
    private enum Phase {
        case connecting([(call: ClientCall, headers: [HTTP2Header])])
        case connected(HTTP2ConnectionHandle, any Channel)
        case failed(GRPCStatus)
    }

    private let phase = Mutex(Phase.connecting([]))
    /// Set once the connection will take no new calls (GOAWAY received, closed, or never connected).
    private let retired = Atomic<Bool>(false)

    init(configuration: GRPCClientConfiguration, authority: String) {
        self.configuration = configuration
        self.authority = authority
    }

    var handle: HTTP2ConnectionHandle? {
        self.phase.withLock { phase in
            if case .connected(let handle, _) = phase { return handle }
            return nil
        }
    }

    /// Whether new calls may still use this connection (connecting, or connected and not going away).
    var isUsable: Bool { !self.retired.load(ordering: .acquiring) }

    /// The connection is up: calls that waited for it start now.
    func connected(_ handle: HTTP2ConnectionHandle, channel: any Channel) {
        let waiting = self.phase.withLock { phase -> [(call: ClientCall, headers: [HTTP2Header])] in
            guard case .connecting(let waiting) = phase else { return [] }
            phase = .connected(handle, channel)
            return waiting
        }
        for (call, headers) in waiting { self.start(call, headers: headers) }
    }

    /// Connecting failed: calls that waited for it end with `status`.
    func connectFailed(_ status: GRPCStatus) {
        self.retired.store(true, ordering: .releasing)
        let waiting = self.phase.withLock { phase -> [(call: ClientCall, headers: [HTTP2Header])] in
            guard case .connecting(let waiting) = phase else { return [] }
            phase = .failed(status)
            return waiting
        }
        for (call, _) in waiting { call.finish(status, trailing: nil) }
    }

    /// Closes the connection (GOAWAY, then close once open streams are done); it takes no new calls.
    func close() async {
        self.retired.store(true, ordering: .releasing)
        let channel = self.phase.withLock { phase -> (any Channel)? in
            if case .connected(_, let channel) = phase { return channel }
            return nil
        }
        guard let channel else {
            self.connectFailed(GRPCStatus(.unavailable, "client closed"))
            return
        }
        self.execute({ connection in connection.close() }, ifClosed: { channel.close(promise: nil) })
        try? await channel.closeFuture.get()
    }

    /// Runs `body` on the loop with the HTTP/2 connection, or `ifClosed` if it is gone (or not up yet).
    func execute(_ body: @escaping @Sendable (HTTP2Connection) -> Void, ifClosed: (@Sendable () -> Void)? = nil) {
        guard let handle = self.handle else {
            ifClosed?()
            return
        }
        handle.execute(body, ifClosed: ifClosed)
    }

    /// Opens the call's stream (on the loop), once the connection is up.
    func start(_ call: ClientCall, headers: [HTTP2Header]) {
        enum Next { case run(HTTP2ConnectionHandle), wait, fail(GRPCStatus) }
        let next = self.phase.withLock { phase -> Next in
            switch phase {
            case .connecting(var waiting):
                waiting.append((call, headers))
                phase = .connecting(waiting)
                return .wait
            case .connected(let handle, _): return .run(handle)
            case .failed(let status): return .fail(status)
            }
        }
        switch next {
        case .wait: return
        case .fail(let status): call.finish(status, trailing: nil)
        case .run(let handle):
            let unavailable = GRPCStatus(.unavailable, "connection closed")
            handle.execute({ connection in
                self.startOnLoop(call, headers: headers, connection: connection)
            }, ifClosed: {
                call.finish(unavailable, trailing: nil)
            })
        }
    }

    private func startOnLoop(_ call: ClientCall, headers: [HTTP2Header], connection: HTTP2Connection) {
        if call.isFinished {
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
        // nghttp2 closes (REFUSED_STREAM) the streams above lastStreamID; the others finish. New calls go to
        // a new connection.
        self.retired.store(true, ordering: .releasing)
    }

    func connectionClosed(_ connection: HTTP2Connection, error: (any Error)?) {
        self.closed = true
        self.retired.store(true, ordering: .releasing)
        let calls = self.calls
        self.calls.removeAll()
        let status = GRPCStatus(.unavailable, "connection closed")
        for (_, call) in calls {
            call.finish(status, trailing: nil)
        }
    }
}
