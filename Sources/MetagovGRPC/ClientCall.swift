import MetagovHTTP2
import NIOCore
import Synchronization

/// One client-side RPC. Response processing happens on the connection's event loop; the
/// result slot, cancellation and request writing are thread-safe.
final class ClientCall: @unchecked Sendable, GRPCMessageSink {
    typealias UnaryResult = (response: [UInt8], metadata: GRPCMetadata)

    let path: String
    let options: GRPCCallOptions
    let configuration: GRPCClientConfiguration
    let outbound: HTTP2OutboundStream
    /// Response messages for streaming-response calls; nil for unary-response calls.
    let queue: InboundMessageQueue?
    private let allocator: ByteBufferAllocator
    private let connection: GRPCClientConnection

    // Event loop only.
    @exclusivity(unchecked) var streamID: Int32 = 0
    @exclusivity(unchecked) private var deframer: GRPCMessageDeframer
    @exclusivity(unchecked) private var responseHeadersSeen = false
    @exclusivity(unchecked) private var responseCompressed = false
    @exclusivity(unchecked) private var responseMessage: [UInt8]? = nil
    @exclusivity(unchecked) private var responseCount = 0
    @exclusivity(unchecked) private var initialMetadata = GRPCMetadata()
    @exclusivity(unchecked) private var timer: Scheduled<Void>? = nil

    private struct Shared {
        var finished = false
        var finalStatus: GRPCStatus? = nil
        var result: Result<UnaryResult, any Error>? = nil
        var continuation: CheckedContinuation<UnaryResult, any Error>? = nil
        var requestTask: Task<Void, Never>? = nil
    }

    private let shared = Mutex(Shared())

    init(
        path: String, options: GRPCCallOptions, configuration: GRPCClientConfiguration, streamingResponse: Bool,
        connection: GRPCClientConnection, allocator: ByteBufferAllocator
    ) {
        self.path = path
        self.options = options
        self.configuration = configuration
        self.connection = connection
        self.allocator = allocator
        self.outbound = HTTP2OutboundStream(highWatermark: 64 * 1024)
        self.deframer = GRPCMessageDeframer(maxMessageSize: configuration.maxReceiveMessageSize)
        if streamingResponse {
            // `self` is not available yet; route callbacks through a box filled in below.
            let box = WeakCallBox()
            self.queue = InboundMessageQueue(
                limit: configuration.responseBufferLimit,
                onCredit: { credit in box.call?.returnCredit(credit) },
                onCancel: { box.call?.cancel(GRPCStatus(.cancelled, "call cancelled")) })
            box.call = self
        } else {
            self.queue = nil
        }
    }

    // MARK: request side (any thread)

    /// `ResponseWriter.write` for the request stream.
    func writeMessage(_ message: [UInt8]) async throws {
        let framed = try GRPCFraming.encode(
            message, compress: self.options.compression, maxSize: self.configuration.maxSendMessageSize,
            allocator: self.allocator)
        switch self.outbound.enqueue(data: framed) {
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

    private func writeError(_ error: any Error) -> any Error {
        if let status = self.shared.withLock({ $0.finalStatus }), status.code != .ok { return status }
        if let status = error as? GRPCStatus { return status }
        if error is CancellationError { return error }
        return GRPCStatus(.cancelled, "call already completed")
    }

    /// Half-closes the request stream (END_STREAM).
    func finishRequests() {
        self.outbound.enqueue(end: .endStream)
    }

    /// Whether the call has ended (with any status).
    var isFinished: Bool { self.shared.withLock { $0.finished } }

    /// The final status if the call ended with a non-OK status.
    var failedStatus: GRPCStatus? {
        self.shared.withLock { state in
            guard let status = state.finalStatus, status.code != .ok else { return nil }
            return status
        }
    }

    func setRequestTask(_ task: Task<Void, Never>) {
        let finished = self.shared.withLock { state -> Bool in
            if state.finished { return true }
            state.requestTask = task
            return false
        }
        if finished { task.cancel() }
    }

    /// Cancels the call (RST_STREAM(CANCEL)) and ends it with `status`, unless already ended.
    func cancel(_ status: GRPCStatus) {
        if self.shared.withLock({ $0.finished }) { return }
        self.connection.execute(
            { connection in self.cancelOnLoop(status, connection: connection) },
            ifClosed: { self.finish(status, trailing: nil) })
    }

    func cancelOnLoop(_ status: GRPCStatus, connection: HTTP2Connection?) {
        if self.shared.withLock({ $0.finished }) { return }
        _ = connection
        self.outbound.reset(.cancel, error: status)
        self.finish(status, trailing: nil)
    }

    private func returnCredit(_ credit: Int) {
        self.connection.execute({ connection in
            if self.streamID > 0 { connection.consume(streamID: self.streamID, bytes: credit) }
        })
    }

    // MARK: result (any thread)

    /// Waits for the unary result.
    func awaitResult() async throws -> UnaryResult {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<UnaryResult, any Error>) in
            let ready = self.shared.withLock { state -> Result<UnaryResult, any Error>? in
                if let result = state.result { return result }
                state.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// The response messages as an `AsyncThrowingStream`. Cancelling the consuming task (or
    /// dropping the stream) cancels the call with RST_STREAM(CANCEL).
    func makeResponseStream() -> AsyncThrowingStream<[UInt8], any Error> {
        let lifetime = CallLifetime(call: self)
        return AsyncThrowingStream(unfolding: {
            guard let queue = lifetime.call.queue else { return nil }
            return try await queue.next()
        })
    }

    // MARK: event loop side

    func armTimer(on eventLoop: any EventLoop) {
        guard let timeout = self.options.timeout else { return }
        let (seconds, attoseconds) = timeout.components
        let nanos = max(0, seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue &+ attoseconds / 1_000_000_000)
        guard nanos < 30 * 86_400 * 1_000_000_000 else { return }
        self.timer = eventLoop.scheduleTask(in: .nanoseconds(nanos)) {
            self.connection.execute({ connection in
                self.cancelOnLoop(GRPCStatus(.deadlineExceeded, "deadline exceeded"), connection: connection)
            }, ifClosed: {
                self.finish(GRPCStatus(.deadlineExceeded, "deadline exceeded"), trailing: nil)
            })
        }
    }

    func onResponseHeaders(_ headers: [HTTP2Header], endStream: Bool, connection: HTTP2Connection) {
        if self.responseHeadersSeen {
            // A second non-trailer header block: treat as trailers.
            self.onTrailers(headers)
            return
        }
        var httpStatus: String? = nil
        var contentType: String? = nil
        var encoding: String? = nil
        var grpcStatus: String? = nil
        var grpcMessage: String? = nil
        var metadata = GRPCMetadata()
        for header in headers {
            switch header.name {
            case ":status": httpStatus = header.value
            case "content-type": contentType = header.value
            case "grpc-encoding": encoding = header.value
            case "grpc-status": grpcStatus = header.value
            case "grpc-message": grpcMessage = header.value
            default:
                if !GRPCMetadata.isReserved(header.name) {
                    metadata.addFromWire(name: header.name, value: header.value)
                }
            }
        }
        if let httpStatus, httpStatus.utf8.first == UInt8(ascii: "1") {
            return  // informational response; the real one follows
        }
        self.responseHeadersSeen = true
        guard httpStatus == "200" else {
            self.failAndReset(GRPCStatus.fromHTTPStatus(httpStatus ?? "?"), endStream: endStream, connection: connection)
            return
        }
        if endStream {
            // Trailers-Only response.
            self.finishWithTrailers(grpcStatus: grpcStatus, grpcMessage: grpcMessage, metadata: metadata)
            return
        }
        guard let contentType, contentType.hasPrefix("application/grpc") else {
            self.failAndReset(
                GRPCStatus(.internal, "invalid response content-type '\(contentType ?? "")'"), endStream: false,
                connection: connection)
            return
        }
        if let encoding, encoding != "identity" {
            guard encoding == "gzip" else {
                self.failAndReset(
                    GRPCStatus(.internal, "unsupported response grpc-encoding '\(encoding)'"), endStream: false,
                    connection: connection)
                return
            }
            self.responseCompressed = true
        }
        self.initialMetadata = metadata
    }

    private func failAndReset(_ status: GRPCStatus, endStream: Bool, connection: HTTP2Connection) {
        if !endStream {
            self.outbound.reset(.cancel, error: status)
        }
        self.finish(status, trailing: nil)
    }

    func onTrailers(_ headers: [HTTP2Header]) {
        var grpcStatus: String? = nil
        var grpcMessage: String? = nil
        var metadata = GRPCMetadata()
        for header in headers {
            switch header.name {
            case "grpc-status": grpcStatus = header.value
            case "grpc-message": grpcMessage = header.value
            default:
                if !GRPCMetadata.isReserved(header.name) {
                    metadata.addFromWire(name: header.name, value: header.value)
                }
            }
        }
        self.finishWithTrailers(grpcStatus: grpcStatus, grpcMessage: grpcMessage, metadata: metadata)
    }

    private func finishWithTrailers(grpcStatus: String?, grpcMessage: String?, metadata: GRPCMetadata) {
        guard let code = GRPCStatus.code(fromWire: grpcStatus) else {
            self.finish(GRPCStatus(.unknown, "response is missing grpc-status"), trailing: metadata)
            return
        }
        let message = grpcMessage.map { PercentEncoding.decode($0) } ?? ""
        self.finish(GRPCStatus(code, message), trailing: metadata)
    }

    func onData(_ data: ByteBuffer, connection: HTTP2Connection) {
        let wireBytes = data.readableBytes
        if !self.shared.withLock({ $0.finished }) {
            var buffer = data
            do {
                try self.deframer.process(&buffer) { message in
                    try self.handleMessage(message)
                }
            } catch {
                let status = error as? GRPCStatus ?? GRPCStatus(.internal, "\(error)")
                self.outbound.reset(.cancel, error: status)
                self.finish(status, trailing: nil)
            }
        }
        if let queue = self.queue, !queue.shouldConsumeNow(wireBytes: wireBytes) {
            return
        }
        connection.consume(streamID: self.streamID, bytes: wireBytes)
    }

    private func handleMessage(_ message: GRPCWireMessage) throws {
        var bytes = message.bytes
        if message.compressed {
            guard self.responseCompressed else {
                throw GRPCStatus(.internal, "compressed response message without grpc-encoding")
            }
            bytes = try GRPCCompression.gunzip(
                bytes, limit: self.configuration.maxReceiveMessageSize, allocator: self.allocator)
        }
        if let queue = self.queue {
            queue.push(bytes)
        } else {
            self.responseCount += 1
            if self.responseCount == 1 { self.responseMessage = bytes }
        }
    }

    func onEndOfStreamWithoutTrailers() {
        self.finish(GRPCStatus(.internal, "server ended the stream without sending trailers"), trailing: nil)
    }

    func onStreamClosed(_ errorCode: HTTP2ErrorCode) {
        let status: GRPCStatus
        switch errorCode {
        case .refusedStream:
            status = GRPCStatus(.unavailable, "stream refused by the server")
        case .cancel:
            status = GRPCStatus(.cancelled, "stream cancelled by the server")
        case .noError:
            status = GRPCStatus(.internal, "stream closed without a status")
        default:
            status = GRPCStatus(.internal, "stream reset by the server (\(errorCode))")
        }
        self.finish(status, trailing: nil)
    }

    /// Ends the call (first caller wins). Thread-safe.
    func finish(_ status: GRPCStatus, trailing: GRPCMetadata?) {
        typealias Won = (CheckedContinuation<UnaryResult, any Error>?, Result<UnaryResult, any Error>?, Task<Void, Never>?)
        let won: Won? = self.shared.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            state.finalStatus = status
            let task = state.requestTask
            state.requestTask = nil
            guard self.queue == nil else { return (nil, nil, task) }
            let result: Result<UnaryResult, any Error>
            if status.code != .ok {
                result = .failure(status)
            } else if self.responseCount == 1, let response = self.responseMessage {
                var metadata = self.initialMetadata
                if let trailing { metadata.merge(trailing) }
                result = .success((response, metadata))
            } else {
                result = .failure(
                    GRPCStatus(.unimplemented, "expected exactly one response message, got \(self.responseCount)"))
            }
            let continuation = state.continuation
            state.continuation = nil
            if continuation == nil { state.result = result }
            return (continuation, result, task)
        }
        guard let (continuation, result, requestTask) = won else { return }
        self.timer?.cancel()
        self.timer = nil
        if let continuation, let result {
            continuation.resume(with: result)
        }
        if let queue = self.queue {
            // Credit withheld from the peer must be returned even though the stream is over:
            // the connection-level window would otherwise shrink for good.
            let owed = queue.finish(status.code == .ok ? .success(()) : .failure(status))
            if owed > 0 { self.returnCredit(owed) }
        }
        // Stop the request side; reset the stream if we were still sending.
        let writeFailure = status.code == .ok ? GRPCStatus(.cancelled, "call already completed") : status
        if self.outbound.isClosed {
            self.outbound.fail(writeFailure)
        } else {
            self.outbound.reset(.cancel, error: writeFailure)
        }
        requestTask?.cancel()
    }
}

/// Lets the queue's callbacks reach the call without a retain cycle.
private final class WeakCallBox: @unchecked Sendable {
    weak var call: ClientCall?
}

/// Owned by a response stream's unfolding closure: when the stream is dropped, the call is
/// cancelled (a no-op if it already finished).
private final class CallLifetime: Sendable {
    let call: ClientCall

    init(call: ClientCall) {
        self.call = call
    }

    deinit {
        self.call.cancel(GRPCStatus(.cancelled, "response stream dropped"))
    }
}
