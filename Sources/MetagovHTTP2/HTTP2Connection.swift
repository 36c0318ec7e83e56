import NIOCore

/// One HTTP/2 connection: an nghttp2 session (server or client role) wrapped as a NIO channel
/// handler. Put it directly on a TCP channel's pipeline (h2c with prior knowledge).
///
/// Inbound bytes are fed to `nghttp2_session_mem_recv`; the resulting stream events go to the
/// `delegate`. Outbound frames are serialized with `nghttp2_session_mem_send` once per read
/// burst (on `channelReadComplete`) or once per batch of cross-thread wake-ups, and written with
/// a single flush.
///
/// Everything except `HTTP2OutboundStream`'s producer API and `handle` is event-loop confined.
public final class HTTP2Connection: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = Never

    public let role: HTTP2Role
    public let configuration: HTTP2ConnectionConfiguration
    /// Receives stream events. Released when the connection closes.
    @exclusivity(unchecked) public var delegate: (any HTTP2ConnectionDelegate)?

    @exclusivity(unchecked) private var session: NGHTTP2Session?
    @exclusivity(unchecked) private var context: ChannelHandlerContext?
    @exclusivity(unchecked) private var waker: HTTP2StreamWaker?
    @exclusivity(unchecked) private var outboundStreams: [Int32: HTTP2OutboundStream] = [:]
    @exclusivity(unchecked) private var serviceQueue: [HTTP2OutboundStream] = []

    @exclusivity(unchecked) private var inRead = false
    @exclusivity(unchecked) private var inSessionCall = false
    @exclusivity(unchecked) private var flushScheduled = false
    @exclusivity(unchecked) private var closed = false
    @exclusivity(unchecked) private var closeReported = false
    @exclusivity(unchecked) private var fatalErrorDescription: String?
    @exclusivity(unchecked) private var shutdownState: ShutdownState = .open
    @exclusivity(unchecked) private var goAwayReceivedFlag = false
    /// `close()` was called inside an nghttp2 call; it runs once that call has returned.
    @exclusivity(unchecked) private var closeDeferred: String? = nil
    /// Close once the queued output (a final GOAWAY) has been written.
    @exclusivity(unchecked) private var closeAfterFlush = false
    @exclusivity(unchecked) private var handshakeReported = false
    @exclusivity(unchecked) private var manager: HTTP2ConnectionManager?

    private enum ShutdownState {
        case open
        /// Shutdown notice (GOAWAY with max stream id) + PING sent, waiting for the PING ack.
        case noticeSent
        /// Final GOAWAY submitted; close once all streams are done.
        case goAwaySubmitted
    }

    public init(role: HTTP2Role, configuration: HTTP2ConnectionConfiguration = .init()) {
        self.role = role
        self.configuration = configuration
        self.outboundStreams.reserveCapacity(64)
    }

    /// The connection's event loop (valid once added to a pipeline).
    public var eventLoop: (any EventLoop)? { self.context?.eventLoop }

    /// Whether new streams may still be opened on this connection.
    public var isAcceptingStreams: Bool {
        !self.closed && self.session != nil && !self.goAwayReceivedFlag && self.shutdownState == .open
    }

    /// A Sendable handle to reach this connection on its event loop from other threads.
    public var handle: HTTP2ConnectionHandle? {
        guard let waker = self.waker else { return nil }
        return HTTP2ConnectionHandle(waker: waker)
    }

    // MARK: ChannelHandler

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.waker = HTTP2StreamWaker(eventLoop: context.eventLoop, connection: self)
        if context.channel.isActive {
            self.start(context: context)
        }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.teardown(error: nil)
        self.context = nil
    }

    /// Runs `body`, a call into nghttp2, marked as such: nothing may free the session or re-enter nghttp2
    /// meanwhile; a `close()` requested from a callback inside it runs right after.
    private func withSessionCall<R>(_ body: () -> R) -> R {
        let outer = self.inSessionCall
        self.inSessionCall = true
        let result = body()
        self.inSessionCall = outer
        if !outer && self.closed && self.session != nil && self.context == nil {
            // Torn down (the channel closed) during the call: free the session now that nghttp2 has returned.
            self.session?.close()
            self.session = nil
        }
        if !outer, let reason = self.closeDeferred {
            self.closeDeferred = nil
            self.close(reason: reason)
        }
        return result
    }

    public func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard self.session == nil, !self.closed else { return }
        do {
            self.session = try NGHTTP2Session(
                role: self.role, owner: self, configuration: self.configuration, allocator: context.channel.allocator)
        } catch {
            self.closed = true
            context.close(promise: nil)
            return
        }
        if self.role == .server {
            self.manager = HTTP2ConnectionManager(
                configuration: self.configuration.management, connection: self, eventLoop: context.eventLoop)
        }
        self.delegate?.connectionActive(self)
        self.flushNow()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        self.teardown(error: self.fatalErrorDescription.map { HTTP2Error.sessionError($0) } ?? HTTP2Error.connectionClosed)
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session = self.session, !self.closed else { return }
        let buffer = self.unwrapInboundIn(data)
        self.inRead = true
        self.manager?.received()
        let error = self.withSessionCall { session.receive(buffer) }
        if let error {
            self.fatal(error)
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        self.inRead = false
        self.flushNow()
        context.fireChannelReadComplete()
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            self.flushNow()
        }
        context.fireChannelWritabilityChanged()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.fatalErrorDescription = self.fatalErrorDescription ?? "\(error)"
        context.close(promise: nil)
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: public API (event loop only)

    /// Registers the outbound side of a peer-initiated stream (server role) so that its queued
    /// headers/data/trailers get sent.
    public func attachOutbound(_ outbound: HTTP2OutboundStream, streamID: Int32) {
        guard let waker = self.waker, !self.closed else {
            outbound.markClosed(HTTP2Error.connectionClosed)
            return
        }
        self.outboundStreams[streamID] = outbound
        if outbound.attach(streamID: streamID, waker: waker) {
            self.scheduleService(outbound)
        }
    }

    /// Opens a stream (client role) with request `headers`; its body, end and trailers come
    /// from `outbound`. Returns the stream id.
    public func startRequest(headers: [HTTP2Header], outbound: HTTP2OutboundStream) throws -> Int32 {
        guard let session = self.session, let waker = self.waker, self.isAcceptingStreams else {
            throw HTTP2Error.connectionClosed
        }
        let streamID = session.submitRequest(headers: headers, hasBody: true)
        if streamID < 0 {
            throw HTTP2Error.sessionError(NGHTTP2Session.describe(streamID))
        }
        self.outboundStreams[streamID] = outbound
        if outbound.attach(streamID: streamID, waker: waker) {
            self.scheduleService(outbound)
        }
        self.requestFlush()
        return streamID
    }

    /// Sends RST_STREAM.
    public func resetStream(streamID: Int32, errorCode: HTTP2ErrorCode) {
        guard let session = self.session, !self.closed else { return }
        _ = session.submitRSTStream(streamID: streamID, errorCode: errorCode)
        self.requestFlush()
    }

    /// Returns `bytes` of received DATA to the flow-control windows (see
    /// `HTTP2ConnectionDelegate.dataReceived`).
    public func consume(streamID: Int32, bytes: Int) {
        guard let session = self.session, !self.closed, bytes > 0 else { return }
        session.consume(streamID: streamID, bytes: bytes)
        self.requestFlush()
    }

    /// Graceful shutdown. Server: GOAWAY(max id) + PING, then on the PING ack (or after one
    /// second) the final GOAWAY with the last processed stream id; streams already accepted
    /// complete, then the connection closes. Client: GOAWAY; open streams complete, then close.
    public func beginGracefulShutdown() {
        self.beginGracefulShutdown(reason: "shutdown")
    }

    /// Graceful shutdown, reported to the delegate with `reason` (`idle`, `max age`...).
    func beginGracefulShutdown(reason: String) {
        guard let session = self.session, !self.closed, self.shutdownState == .open else { return }
        self.delegate?.goAwaySent(self, reason: reason)
        switch self.role {
        case .server:
            self.shutdownState = .noticeSent
            _ = session.submitShutdownNotice()
            _ = session.submitPing(HTTP2Connection.shutdownPingPayload)
            self.context?.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) {
                self.submitFinalGoAway()
            }
        case .client:
            self.shutdownState = .goAwaySubmitted
            _ = session.submitGoAway(lastStreamID: 0, errorCode: .noError)
        }
        self.requestFlush()
    }

    private static let shutdownPingPayload: UInt64 = 0x6d65_7461_676f_7600

    /// Sends a PING; the acknowledgement is reported through
    /// `HTTP2ConnectionDelegate.pingAcknowledged(_:payload:)`.
    public func sendPing(payload: UInt64) {
        guard let session = self.session, !self.closed else { return }
        _ = session.submitPing(payload)
        self.requestFlush()
    }

    /// Closes the connection now (GOAWAY if possible, then close). Open streams are failed.
    ///
    /// Safe from inside a delegate callback: while nghttp2 is processing input or producing output, the
    /// close is deferred until that call has returned (the session is never freed under it).
    public func close() {
        self.close(reason: "closed")
    }

    /// Closes now, reporting `reason` to the delegate.
    func close(reason: String) {
        guard !self.closed else { return }
        if self.inSessionCall {
            self.closeDeferred = self.closeDeferred ?? reason
            return
        }
        self.delegate?.goAwaySent(self, reason: reason)
        if let session = self.session {
            session.terminate(errorCode: .noError)
            self.flushNow()
        }
        self.closed = true
        self.context?.close(promise: nil)
    }

    /// Ends the connection with GOAWAY(`errorCode`, `debugData`), after which it closes as soon as the GOAWAY
    /// is written. Streams in progress are failed.
    func terminate(errorCode: HTTP2ErrorCode, debugData: String) {
        guard let session = self.session, !self.closed else { return }
        _ = session.submitGoAway(lastStreamID: session.lastProcessedStreamID, errorCode: errorCode, debugData: debugData)
        self.closeAfterFlush = true
        self.requestFlush()
    }

    /// Whether any stream is open.
    var hasOpenStreams: Bool { !self.outboundStreams.isEmpty }

    /// Number of streams with a registered outbound side.
    public var openStreamCount: Int { self.outboundStreams.count }

    // MARK: flushing

    /// Asks for a flush: at the end of the current read burst, or on the next loop tick.
    func requestFlush() {
        if self.inRead || self.flushScheduled || self.closed { return }
        self.flushScheduled = true
        self.context?.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.flushNow()
        }
    }

    /// Queues a stream for servicing (event loop only).
    func scheduleService(_ stream: HTTP2OutboundStream) {
        self.serviceQueue.append(stream)
        self.requestFlush()
    }

    /// Services streams woken from other threads, then flushes once.
    func serviceStreams(_ streams: [HTTP2OutboundStream]) {
        if self.serviceQueue.isEmpty {
            self.serviceQueue = streams
        } else {
            self.serviceQueue.append(contentsOf: streams)
        }
        if self.inRead {
            return  // channelReadComplete flushes
        }
        self.flushNow()
    }

    private func service(_ stream: HTTP2OutboundStream) {
        guard let session = self.session else { return }
        let streamID = stream.streamID
        guard streamID > 0, self.outboundStreams[streamID] === stream else { return }
        switch stream.takeServiceAction() {
        case .none:
            break
        case .submitHeaders(let headers, let endStream):
            let rv = session.submitResponse(streamID: streamID, headers: headers, hasBody: !endStream)
            if rv != 0 {
                _ = session.submitRSTStream(streamID: streamID, errorCode: .internalError)
            }
        case .resume:
            _ = session.resumeData(streamID: streamID)
        case .reset(let code):
            _ = session.submitRSTStream(streamID: streamID, errorCode: code)
        }
    }

    /// Services pending streams, serializes all frames nghttp2 has ready and writes them with
    /// one flush (more if the output is large).
    func flushNow() {
        guard !self.inSessionCall else {
            // Never re-enter nghttp2 from one of its callbacks; try again on the next tick.
            self.requestFlush()
            return
        }
        guard let session = self.session, let context = self.context, !self.closed else { return }
        var wrote = false
        while true {
            while !self.serviceQueue.isEmpty {
                let queue = self.serviceQueue
                self.serviceQueue.removeAll(keepingCapacity: true)
                self.withSessionCall {
                    for stream in queue { self.service(stream) }
                }
                if self.closed { return }
            }
            guard context.channel.isWritable else { break }
            let error = self.withSessionCall { session.send(limit: self.configuration.outputChunkSize) }
            if self.closed { return }
            let produced = session.outputBytes
            if produced > 0 {
                session.takeOutput { buffer in
                    context.write(NIOAny(buffer), promise: nil)
                }
                wrote = true
            }
            if let error {
                self.fatalErrorDescription = self.fatalErrorDescription ?? error
                if wrote { context.flush() }
                self.closed = true
                context.close(promise: nil)
                return
            }
            if produced == 0 || !session.wantWrite {
                if self.serviceQueue.isEmpty { break }
                continue
            }
            // The output limit was reached and more frames are ready: push what we have.
            context.flush()
            wrote = false
        }
        if wrote { context.flush() }
        if (!session.wantRead || self.closeAfterFlush) && !session.wantWrite {
            self.closed = true
            context.close(promise: nil)
        }
    }

    private func fatal(_ error: String) {
        self.fatalErrorDescription = self.fatalErrorDescription ?? error
        self.delegate?.goAwaySent(self, reason: "protocol error: \(error)")
        // A GOAWAY has been queued by the session; try to get it out before closing.
        self.inRead = false
        self.flushNow()
        if !self.closed {
            self.closed = true
            self.context?.close(promise: nil)
        }
    }

    private func submitFinalGoAway() {
        guard let session = self.session, !self.closed, self.shutdownState == .noticeSent else { return }
        self.shutdownState = .goAwaySubmitted
        _ = session.submitGoAway(lastStreamID: session.lastProcessedStreamID, errorCode: .noError)
        self.requestFlush()
    }

    private func teardown(error: (any Error)?) {
        self.closed = true
        self.manager?.stop()
        self.manager = nil
        let streams = self.outboundStreams
        self.outboundStreams.removeAll()
        self.serviceQueue.removeAll()
        for (_, stream) in streams {
            stream.markClosed(error ?? HTTP2Error.connectionClosed)
        }
        if !self.inSessionCall {
            // Inside an nghttp2 call the session stays until the call returns; it is freed with this object.
            self.session?.close()
            self.session = nil
        }
        self.waker?.detach()
        if !self.closeReported {
            self.closeReported = true
            let delegate = self.delegate
            self.delegate = nil
            delegate?.connectionClosed(self, error: error)
        }
    }

    // MARK: bridge entry points (called from NGHTTP2Callbacks, inside nghttp2)

    func bridgeHeaders(streamID: Int32, kind: HTTP2HeadersKind, headers: [HTTP2Header], endStream: Bool) {
        self.delegate?.headersReceived(self, streamID: streamID, kind: kind, headers: headers, endStream: endStream)
    }

    func bridgeData(streamID: Int32, data: ByteBuffer) {
        if let delegate = self.delegate {
            delegate.dataReceived(self, streamID: streamID, data: data)
        } else {
            self.session?.consume(streamID: streamID, bytes: data.readableBytes)
        }
    }

    func bridgeDataEndStream(streamID: Int32) {
        self.delegate?.endOfStreamReceived(self, streamID: streamID)
    }

    /// The error of a stream closed normally, boxed once rather than at every stream's close.
    private static let closedWithoutError: any Error = HTTP2Error.streamClosed(.noError)

    func bridgeStreamClosed(streamID: Int32, errorCode: HTTP2ErrorCode) {
        if let stream = self.outboundStreams.removeValue(forKey: streamID) {
            stream.markClosed(errorCode == .noError ? Self.closedWithoutError : HTTP2Error.streamClosed(errorCode))
            if self.outboundStreams.isEmpty { self.manager?.becameIdle() }
        }
        self.delegate?.streamClosed(self, streamID: streamID, errorCode: errorCode)
    }

    /// A peer wants to open a stream: whether it may (server role: within the advertised concurrency).
    func bridgeBeginRequest(streamID: Int32) -> Bool {
        guard self.outboundStreams.count < self.configuration.maxConcurrentStreams else {
            self.delegate?.streamRefused(self, streamID: streamID, reason: .concurrentStreams)
            return false
        }
        return true
    }

    func bridgeHeaderListTooLarge(streamID: Int32) {
        self.delegate?.streamRefused(self, streamID: streamID, reason: .headerListSize)
    }

    /// Response HEADERS or trailers could not be sent: reset the stream so the peer is not left waiting.
    func bridgeResponseHeadersNotSent(streamID: Int32) {
        _ = self.session?.submitRSTStream(streamID: streamID, errorCode: .internalError)
    }

    func bridgeSettingsReceived() {
        guard !self.handshakeReported else { return }
        self.handshakeReported = true
        self.manager?.handshakeCompleted()
        self.context?.triggerUserOutboundEvent(HandshakeCompleted(), promise: nil)
    }

    func bridgePingReceived() {
        guard let manager = self.manager, manager.pingReceived(openStreams: !self.outboundStreams.isEmpty) else { return }
        self.delegate?.goAwaySent(self, reason: "too_many_pings")
        self.terminate(errorCode: .enhanceYourCalm, debugData: "too_many_pings")
    }

    func bridgeStreamFrameSent() {
        self.manager?.streamFrameSent()
    }

    func bridgeGoAway(lastStreamID: Int32, errorCode: HTTP2ErrorCode) {
        self.goAwayReceivedFlag = true
        self.delegate?.goAwayReceived(self, lastStreamID: lastStreamID, errorCode: errorCode)
    }

    func bridgePingAck(payload: UInt64) {
        if payload == HTTP2ConnectionManager.keepalivePingPayload {
            self.manager?.keepaliveAcknowledged()
            return
        }
        if payload == HTTP2Connection.shutdownPingPayload {
            if self.shutdownState == .noticeSent {
                self.submitFinalGoAway()
            }
            return
        }
        self.delegate?.pingAcknowledged(self, payload: payload)
    }

    func bridgeEndStreamSent(streamID: Int32) {
        // RFC 9113 §8.1: a server that completes its response before the request is complete
        // resets the stream with NO_ERROR so the client stops sending.
        if self.role == .server, let session = self.session, !session.isRemoteClosed(streamID: streamID) {
            _ = session.submitRSTStream(streamID: streamID, errorCode: .noError)
        }
        self.delegate?.endOfStreamSent(self, streamID: streamID)
    }

    func bridgePull(streamID: Int32, maxLength: Int) -> NGHTTP2PullResult {
        guard let stream = self.outboundStreams[streamID] else { return .deferredResult }
        return stream.pull(maxLength: maxLength)
    }

    func bridgeWriteData(streamID: Int32, length: Int, session: NGHTTP2Session) {
        if let stream = self.outboundStreams[streamID] {
            stream.drain(length: length, into: session)
        } else {
            session.output.writeRepeatingByte(0, count: length)
        }
    }
}
