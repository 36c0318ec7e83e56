import MetagovHTTP2
import NIOCore
import Synchronization

/// One server-side RPC. Event-loop confined except for the `shared`-lock protected state,
/// `complete`, `writeMessage` and the metadata setters, which handler tasks call.
final class ServerCall: @unchecked Sendable, GRPCMessageSink {
    let streamID: Int32
    let path: String
    let handler: MethodHandler
    let metadata: GRPCMetadata
    let deadline: ContinuousClock.Instant?
    let peer: String
    let serverState: ServerShared
    let requestCompressed: Bool
    let compressResponses: Bool
    let outbound: HTTP2OutboundStream
    let queue: InboundMessageQueue?
    let connectionHandle: HTTP2ConnectionHandle?
    /// The connection's bound on request bytes held.
    let budget: RequestBudget
    /// The verified TLS client certificate (DER), if any.
    let peerCertificate: [UInt8]?

    // Event loop only.
    @exclusivity(unchecked) private var deframer: GRPCMessageDeframer
    @exclusivity(unchecked) private var requestMessage: [UInt8]? = nil
    @exclusivity(unchecked) private var requestCount = 0
    @exclusivity(unchecked) private var task: Task<Void, Never>? = nil
    @exclusivity(unchecked) private var deadlineTimer: Scheduled<Void>? = nil

    private struct Shared {
        var completed = false
        /// Status writes fail with once the call ended other than by its handler.
        var terminal: GRPCStatus? = nil
        var headersSent = false
        var responseMetadata = GRPCMetadata()
        var trailingMetadata = GRPCMetadata()
        /// Bytes of `budget` this call holds.
        var reservedBytes = 0
        /// Who called, as the handler established it.
        var principal: String? = nil
        var finishReported = false
    }

    /// When the call started, for its duration (only taken when the server has an observer).
    private let started: ContinuousClock.Instant?

    private let shared = Mutex(Shared())

    init(
        streamID: Int32, path: String, handler: MethodHandler, metadata: GRPCMetadata,
        deadline: ContinuousClock.Instant?, peer: String, serverState: ServerShared, requestCompressed: Bool,
        compressResponses: Bool, connectionHandle: HTTP2ConnectionHandle?, budget: RequestBudget,
        peerCertificate: [UInt8]? = nil
    ) {
        self.budget = budget
        self.peerCertificate = peerCertificate
        if let observer = serverState.configuration.observer {
            self.started = .now
            observer.callStarted(path: path)
        } else {
            self.started = nil
        }
        self.streamID = streamID
        self.path = path
        self.handler = handler
        self.metadata = metadata
        self.deadline = deadline
        self.peer = peer
        self.serverState = serverState
        self.requestCompressed = requestCompressed
        self.compressResponses = compressResponses
        self.connectionHandle = connectionHandle
        self.outbound = HTTP2OutboundStream(
            highWatermark: serverState.configuration.responseBufferHighWatermark, accounting: serverState.accounting)
        self.deframer = GRPCMessageDeframer(maxMessageSize: serverState.configuration.maxReceiveMessageSize)
        if handler.isUnaryRequest {
            self.queue = nil
        } else {
            let handle = connectionHandle
            let id = streamID
            self.queue = InboundMessageQueue(
                limit: serverState.configuration.requestBufferLimit,
                onCredit: { credit in
                    handle?.execute { connection in connection.consume(streamID: id, bytes: credit) }
                })
        }
    }

    private func makeContext() -> ServerCallContext {
        ServerCallContext(
            path: self.path, metadata: self.metadata, deadline: self.deadline, peer: self.peer,
            peerCertificate: self.peerCertificate, call: self)
    }

    // MARK: event loop side

    /// Starts the call after its request headers were accepted.
    func start(endStream: Bool, connection: HTTP2Connection) {
        if !self.handler.isUnaryRequest, let queue = self.queue {
            let context = self.makeContext()
            let requests = RequestStream(queue: queue)
            switch self.handler {
            case .clientStreaming(let body):
                self.task = Task(executorPreference: self.serverState.taskExecutor) {
                    do {
                        let response = try await self.intercepted(context) { try await body(requests, context) }
                        self.complete(.ok, response: response)
                    } catch {
                        self.complete(self.statusFromHandler(error))
                    }
                }
            case .bidirectional(let body):
                self.task = Task(executorPreference: self.serverState.taskExecutor) {
                    do {
                        try await self.intercepted(context) { try await body(requests, ResponseWriter(sink: self), context) }
                        self.complete(.ok)
                    } catch {
                        self.complete(self.statusFromHandler(error))
                    }
                }
            default:
                break
            }
        }
        if endStream {
            self.requestEnded(connection: connection)
        }
    }

    func armDeadline(nanoseconds: Int64, on eventLoop: any EventLoop) {
        // Beyond ~30 days a timer is pointless (and NIO deadlines could overflow).
        guard nanoseconds < 30 * 86_400 * 1_000_000_000 else { return }
        self.deadlineTimer = eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) {
            self.fail(GRPCStatus(.deadlineExceeded, "deadline exceeded"))
        }
    }

    /// A chunk of request DATA.
    func receive(_ data: ByteBuffer, connection: HTTP2Connection) {
        let wireBytes = data.readableBytes
        if !self.isEnded {
            var buffer = data
            do {
                try self.deframer.process(&buffer, onLength: self.reserve) { message in
                    try self.handleMessage(message)
                }
            } catch {
                self.fail(error as? GRPCStatus ?? GRPCStatus(.internal, "\(error)"))
            }
        }
        if let queue = self.queue, !queue.shouldConsumeNow(wireBytes: wireBytes) {
            return  // credit is returned when the handler catches up
        }
        connection.consume(streamID: self.streamID, bytes: wireBytes)
    }

    /// Counts a message that is starting to arrive against the connection's budget.
    private func reserve(_ bytes: Int) throws {
        guard self.budget.reserve(bytes) else {
            self.serverState.configuration.observer?.refused(.requestBuffer, peer: self.peer)
            throw GRPCStatus(
                .resourceExhausted,
                "this connection already holds \(self.budget.usedBytes) request bytes (limit \(self.budget.limit)); a \(bytes)-byte message does not fit")
        }
        self.shared.withLock { $0.reservedBytes += bytes }
    }

    /// Gives `bytes` (all, when nil) of what this call holds back to the connection's budget.
    private func releaseReserved(_ bytes: Int? = nil) {
        let released = self.shared.withLock { state -> Int in
            let n = min(bytes ?? state.reservedBytes, state.reservedBytes)
            state.reservedBytes -= n
            return n
        }
        self.budget.release(released)
    }

    private func handleMessage(_ message: GRPCWireMessage) throws {
        if self.queue != nil {
            // Streaming requests are bounded by their queue (and flow control) once they are in it.
            self.releaseReserved(message.bytes.count)
        }
        var bytes = message.bytes
        if message.compressed {
            guard self.requestCompressed else {
                throw GRPCStatus(.internal, "compressed message received without grpc-encoding")
            }
            bytes = try GRPCCompression.gunzip(
                bytes, limit: self.serverState.configuration.maxReceiveMessageSize,
                allocator: self.serverState.allocator)
        }
        if let queue = self.queue {
            queue.push(bytes)
            return
        }
        self.requestCount += 1
        if self.requestCount > 1 {
            throw GRPCStatus(.unimplemented, "expected exactly one request message, got more than one")
        }
        self.requestMessage = bytes
    }

    /// The client half-closed the stream.
    func requestEnded(connection: HTTP2Connection) {
        guard !self.isEnded else { return }
        if !self.deframer.isIdle {
            self.fail(GRPCStatus(.internal, "request stream ended in the middle of a message"))
            return
        }
        if let queue = self.queue {
            let owed = queue.finish(.success(()))
            if owed > 0 { connection.consume(streamID: self.streamID, bytes: owed) }
            return
        }
        guard self.requestCount == 1, let request = self.requestMessage else {
            self.fail(GRPCStatus(.unimplemented, "expected exactly one request message, got 0"))
            return
        }
        self.requestMessage = nil
        self.runUnaryRequest(request)
    }

    private func runUnaryRequest(_ request: [UInt8]) {
        let context = self.makeContext()
        switch self.handler {
        case .unaryOnLoop(let body):
            if self.serverState.interceptors.isEmpty {
                do {
                    let response = try body(request, context)
                    self.complete(.ok, response: response)
                } catch {
                    self.complete(self.statusFromHandler(error))
                }
            } else {
                self.task = Task(executorPreference: self.serverState.taskExecutor) {
                    do {
                        let response = try await self.intercepted(context) { try body(request, context) }
                        self.complete(.ok, response: response)
                    } catch {
                        self.complete(self.statusFromHandler(error))
                    }
                }
            }
        case .unaryPreferringLoop(let onLoop, let body):
            if self.serverState.interceptors.isEmpty {
                do {
                    if let response = try onLoop(request, context) {
                        self.complete(.ok, response: response)
                        return
                    }
                } catch {
                    self.complete(self.statusFromHandler(error))
                    return
                }
            }
            self.runUnaryTask(request, context, body)
        case .unary(let body):
            self.runUnaryTask(request, context, body)
        case .serverStreaming(let body):
            self.task = Task(executorPreference: self.serverState.taskExecutor) {
                do {
                    try await self.intercepted(context) { try await body(request, ResponseWriter(sink: self), context) }
                    self.complete(.ok)
                } catch {
                    self.complete(self.statusFromHandler(error))
                }
            }
        case .clientStreaming, .bidirectional:
            break
        }
    }

    private func runUnaryTask(
        _ request: [UInt8], _ context: ServerCallContext,
        _ body: @escaping @Sendable ([UInt8], ServerCallContext) async throws -> [UInt8]
    ) {
        self.task = Task(executorPreference: self.serverState.taskExecutor) {
            do {
                let response = try await self.intercepted(context) { try await body(request, context) }
                self.complete(.ok, response: response)
            } catch {
                self.complete(self.statusFromHandler(error))
            }
        }
    }

    /// Ends the call with `status` because of a protocol error or the deadline: the status is
    /// sent, the handler's task cancelled and the request stream failed.
    func fail(_ status: GRPCStatus) {
        self.complete(status, terminal: true)
        self.task?.cancel()
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
    }

    /// The HTTP/2 stream closed (normally, or reset by the client / connection loss).
    func streamClosed() {
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
        self.releaseReserved()
        let cancelled = GRPCStatus(.cancelled, "call cancelled by the client")
        let wasCompleted = self.shared.withLock { state -> Bool in
            if state.completed { return true }
            state.completed = true
            state.terminal = cancelled
            return false
        }
        if !wasCompleted {
            self.outbound.fail(cancelled)
            self.task?.cancel()
            self.reportFinished(.cancelled)
        }
        if let queue = self.queue {
            // Return withheld credit: the connection-level window must not shrink for good.
            let owed = queue.finish(.failure(cancelled), discardBuffered: true)
            if owed > 0 {
                let id = self.streamID
                self.connectionHandle?.execute { connection in connection.consume(streamID: id, bytes: owed) }
            }
        }
        self.task = nil
    }

    // MARK: any thread

    var isEnded: Bool {
        self.shared.withLock { $0.completed }
    }

    func setResponseMetadata(_ metadata: GRPCMetadata) {
        self.shared.withLock { $0.responseMetadata = metadata }
    }

    func setTrailingMetadata(_ metadata: GRPCMetadata) {
        self.shared.withLock { $0.trailingMetadata = metadata }
    }

    func setPrincipal(_ principal: String) {
        self.shared.withLock { $0.principal = principal }
    }

    /// Tells the observer, once, how the call ended.
    private func reportFinished(_ code: GRPCStatus.Code) {
        guard let observer = self.serverState.configuration.observer, let started = self.started else { return }
        let principal = self.shared.withLock { state -> String?? in
            if state.finishReported { return .none }
            state.finishReported = true
            return .some(state.principal)
        }
        guard case .some(let who) = principal else { return }
        observer.callFinished(
            GRPCFinishedCall(
                path: self.path, code: code, duration: started.duration(to: .now), peer: self.peer, principal: who,
                requestID: self.metadata["x-request-id"]))
    }

    /// Sends the response headers now if nothing has been sent yet.
    func sendResponseHeaders() {
        self.shared.withLock { state in
            guard !state.completed, !state.headersSent else { return }
            state.headersSent = true
            self.outbound.enqueue(headers: self.responseHeaders(state.responseMetadata))
        }
    }

    /// Runs `handler` inside the server's interceptors, the first outermost; without interceptors, just
    /// the handler.
    private func intercepted<Value: Sendable>(
        _ context: ServerCallContext, _ handler: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let interceptors = self.serverState.interceptors
        if interceptors.isEmpty { return try await handler() }
        let result = Mutex<Value?>(nil)
        try await Self.chain(interceptors[...], context) {
            let value = try await handler()
            result.withLock { $0 = value }
        }
        guard let value = result.withLock({ $0.take() }) else {
            throw GRPCStatus(.internal, "an interceptor of \(context.path) returned without running the handler")
        }
        return value
    }

    private static func chain(
        _ interceptors: ArraySlice<any ServerInterceptor>, _ context: ServerCallContext,
        _ handler: @escaping @Sendable () async throws -> Void
    ) async throws {
        guard let first = interceptors.first else { return try await handler() }
        try await first.intercept(context) { try await Self.chain(interceptors.dropFirst(), context, handler) }
    }

    private func statusFromHandler(_ error: any Error) -> GRPCStatus {
        let terminal = self.shared.withLock { $0.terminal }
        return self.serverState.status(for: error, terminal: terminal)
    }

    private func responseHeaders(_ metadata: GRPCMetadata) -> [HTTP2Header] {
        var headers = self.compressResponses ? ServerHeaders.baseGzip : ServerHeaders.base
        if !metadata.isEmpty { metadata.appendHeaders(to: &headers, budget: ServerHeaders.metadataBudget) }
        return headers
    }

    private static func trailers(_ status: GRPCStatus, _ metadata: GRPCMetadata) -> [HTTP2Header] {
        if status.code == .ok && status.message.isEmpty && metadata.isEmpty {
            return ServerHeaders.okTrailers
        }
        var headers: [HTTP2Header] = []
        headers.reserveCapacity(2 + metadata.count)
        ServerHeaders.statusFields(status, into: &headers)
        metadata.appendHeaders(to: &headers, budget: ServerHeaders.metadataBudget)
        return headers
    }

    /// Ends the call with `status` (and a final response message for unary-response methods).
    /// The first completion wins; later ones are ignored. With `terminal`, subsequent writes
    /// fail with `status`.
    func complete(_ status: GRPCStatus, response: [UInt8]? = nil, terminal: Bool = false) {
        var status = status
        var framed: ByteBuffer? = nil
        if let response, status.code == .ok {
            do {
                framed = try GRPCFraming.encode(
                    response, compress: self.compressResponses,
                    minimumCompressionSize: self.serverState.configuration.responseCompression.minimumBytes,
                    maxSize: self.serverState.configuration.maxSendMessageSize, allocator: self.serverState.allocator)
            } catch {
                status = error as? GRPCStatus ?? GRPCStatus(.internal, "\(error)")
            }
        }
        let completedNow = self.shared.withLock { state -> Bool in
            guard !state.completed else { return false }
            state.completed = true
            if terminal { state.terminal = status }
            let first = !state.headersSent
            state.headersSent = true
            if first && framed == nil {
                self.outbound.enqueue(
                    headers: ServerHeaders.trailersOnly(
                        status, metadata: state.responseMetadata, trailing: state.trailingMetadata),
                    headersEndStream: true)
            } else {
                self.outbound.enqueue(
                    headers: first ? self.responseHeaders(state.responseMetadata) : nil, data: framed,
                    end: .trailers(ServerCall.trailers(status, state.trailingMetadata)))
            }
            return true
        }
        if completedNow {
            self.releaseReserved()
            self.reportFinished(status.code)
        }
        guard completedNow, let queue = self.queue else { return }
        // Nobody reads the requests any more: drop them and give back withheld credit.
        let owed = queue.finish(.failure(status.code == .ok ? GRPCStatus(.cancelled, "call completed") : status),
            discardBuffered: true)
        if owed > 0 {
            let id = self.streamID
            self.connectionHandle?.execute { connection in connection.consume(streamID: id, bytes: owed) }
        }
    }

    /// `ResponseWriter.write` for this call.
    func writeMessage(_ message: [UInt8]) async throws {
        let framed = try GRPCFraming.encode(
            message, compress: self.compressResponses,
            minimumCompressionSize: self.serverState.configuration.responseCompression.minimumBytes,
            maxSize: self.serverState.configuration.maxSendMessageSize, allocator: self.serverState.allocator)
        let result = self.shared.withLock { state -> HTTP2OutboundStream.EnqueueResult in
            if state.completed {
                return .closed(state.terminal ?? GRPCStatus(.failedPrecondition, "call already completed"))
            }
            let first = !state.headersSent
            state.headersSent = true
            return self.outbound.enqueue(headers: first ? self.responseHeaders(state.responseMetadata) : nil, data: framed)
        }
        switch result {
        case .queued:
            return
        case .queuedAboveHighWatermark:
            do {
                try await self.outbound.waitForCapacity()
            } catch {
                throw self.writeError(error)
            }
        case .closed(let error):
            throw self.writeError(error)
        }
    }

    private func writeError(_ error: any Error) -> GRPCStatus {
        if let status = error as? GRPCStatus { return status }
        if let terminal = self.shared.withLock({ $0.terminal }) { return terminal }
        return GRPCStatus(.cancelled, "call cancelled")
    }
}
