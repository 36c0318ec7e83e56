import NIOCore
import NIOPosix
import Synchronization

/// The sending side of one HTTP/2 stream: a bounded, thread-safe queue of headers, DATA and
/// trailers that the connection drains on its event loop as the peer's flow-control windows
/// and the socket allow.
///
/// Producers (any thread) call `enqueue` / `write`; `write` suspends while more than
/// `highWatermark` bytes are queued, until the queue has drained to `lowWatermark`. This is
/// what keeps a slow peer from making the sender buffer without bound.
///
/// All draining (`pull`/`drain`) happens on the connection's event loop.
public final class HTTP2OutboundStream: @unchecked Sendable {
    /// How the outbound side of the stream ends.
    public enum End: Sendable {
        /// END_STREAM on the last DATA frame.
        case endStream
        /// A trailing HEADERS frame carrying END_STREAM.
        case trailers([HTTP2Header])
    }

    /// Outcome of a non-suspending `enqueue`.
    public enum EnqueueResult: Sendable {
        /// Queued; the queue is below the high watermark.
        case queued
        /// Queued, but the queue is above the high watermark: call `waitForCapacity()`.
        case queuedAboveHighWatermark
        /// Nothing was queued: the stream is closed, reset or already finished.
        case closed(any Error)
    }

    enum ServiceAction {
        case none
        case submitHeaders([HTTP2Header], endStream: Bool)
        case resume
        case reset(HTTP2ErrorCode)
    }

    struct State {
        var pendingHeaders: [HTTP2Header]? = nil
        var headersEndStream = false
        var chunks = ChunkQueue()
        var bytes = 0
        var end: End? = nil
        var endReported = false
        var failure: (any Error)? = nil
        var resetCode: HTTP2ErrorCode? = nil
        var resetSubmitted = false
        var waiter: CheckedContinuation<Void, any Error>? = nil
        /// The connection has been asked to service this stream and has not done so yet.
        var wakePosted = false
        /// nghttp2 holds this stream's DATA as deferred (needs `resume_data` when data arrives).
        var deferred = false
        /// Attached to a connection (stream id known); before that nothing wakes the loop.
        var waker: HTTP2StreamWaker? = nil
    }

    let state: Mutex<State>
    /// Producers suspend in `write` above this many queued bytes.
    public let highWatermark: Int
    /// ... and resume once the queue is at or below this.
    public let lowWatermark: Int
    let accounting: HTTP2BufferAccounting?

    /// The stream id (0 until attached). Event-loop confined after attachment.
    @exclusivity(unchecked) public private(set) var streamID: Int32 = 0

    package init(highWatermark: Int = 64 * 1024, lowWatermark: Int? = nil, accounting: HTTP2BufferAccounting? = nil) {
        self.highWatermark = max(highWatermark, 1)
        self.lowWatermark = min(lowWatermark ?? highWatermark / 2, self.highWatermark)
        self.accounting = accounting
        self.state = Mutex(State())
    }

    /// Bytes queued and not yet handed to nghttp2.
    public var bufferedBytes: Int {
        self.state.withLock { $0.bytes }
    }

    /// Whether the stream can no longer accept data.
    public var isClosed: Bool {
        self.state.withLock { $0.failure != nil || $0.end != nil }
    }

    // MARK: producers (any thread)

    /// Atomically queues optional headers (sent first, once), optional data and an optional end.
    /// `headersEndStream` makes the HEADERS frame carry END_STREAM (a headers-only response);
    /// then no data or end may be passed.
    @discardableResult
    public func enqueue(
        headers: [HTTP2Header]? = nil, headersEndStream: Bool = false, data: ByteBuffer? = nil, end: End? = nil
    ) -> EnqueueResult {
        let dataBytes = data?.readableBytes ?? 0
        let (result, waker): (EnqueueResult, HTTP2StreamWaker?) = self.state.withLock { state in
            if let failure = state.failure { return (.closed(failure), nil) }
            if state.end != nil {
                return (.closed(HTTP2Error.alreadyFinished), nil)
            }
            var needsService = false
            if let headers {
                state.pendingHeaders = headers
                state.headersEndStream = headersEndStream
                if headersEndStream {
                    state.end = .endStream
                    state.endReported = true
                }
                needsService = true
            }
            if let data, dataBytes > 0 {
                state.chunks.append(data)
                state.bytes += dataBytes
                // Counted under the lock so the metric never runs ahead of the real queue.
                self.accounting?.add(dataBytes)
                if state.deferred { needsService = true }
            }
            if let end, !headersEndStream {
                state.end = end
                if state.deferred { needsService = true }
            }
            var waker: HTTP2StreamWaker? = nil
            if needsService && !state.wakePosted, let attached = state.waker {
                state.wakePosted = true
                waker = attached
            }
            return (state.bytes > self.highWatermark ? .queuedAboveHighWatermark : .queued, waker)
        }
        if case .closed = result { return result }
        waker?.wake(self)
        return result
    }

    /// Queues `data` and suspends while the queue is above the high watermark.
    /// Throws if the stream is closed/reset (the error given to `fail`/`reset`).
    public func write(_ data: ByteBuffer) async throws {
        switch self.enqueue(data: data) {
        case .queued:
            return
        case .queuedAboveHighWatermark:
            try await self.waitForCapacity()
        case .closed(let error):
            throw error
        }
    }

    /// Suspends until the queue is at or below the low watermark. Throws if the stream fails
    /// meanwhile, or `CancellationError` if the calling task is cancelled.
    public func waitForCapacity() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: Result<Void, any Error>? = self.state.withLock { state in
                    if let failure = state.failure { return .failure(failure) }
                    if state.bytes <= self.lowWatermark { return .success(()) }
                    // Checked under the lock that `onCancel` also takes, so a cancellation
                    // cannot slip between this check and storing the continuation.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let previous = state.waiter {
                        // Only one producer may wait at a time; release the older one.
                        state.waiter = nil
                        previous.resume()
                    }
                    state.waiter = continuation
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Marks the stream failed: queued and future writes fail with `error`, waiters are resumed
    /// with it. Nothing is sent. Safe from any thread.
    public func fail(_ error: any Error) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if state.failure == nil { state.failure = error }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: error)
    }

    /// Resets the stream with RST_STREAM(`code`) and fails it with `error`. Safe from any thread.
    public func reset(_ code: HTTP2ErrorCode, error: any Error) {
        let (waiter, waker) = self.state.withLock {
            state -> (CheckedContinuation<Void, any Error>?, HTTP2StreamWaker?) in
            if state.failure == nil { state.failure = error }
            if state.resetCode == nil { state.resetCode = code }
            let waiter = state.waiter
            state.waiter = nil
            var waker: HTTP2StreamWaker? = nil
            if !state.wakePosted, let attached = state.waker {
                state.wakePosted = true
                waker = attached
            }
            return (waiter, waker)
        }
        waiter?.resume(throwing: error)
        waker?.wake(self)
    }

    // MARK: event loop side

    /// Attaches to a connection once the stream id is known. Returns whether something queued
    /// earlier (headers, a reset) needs the connection's attention.
    func attach(streamID: Int32, waker: HTTP2StreamWaker) -> Bool {
        self.streamID = streamID
        return self.state.withLock { state in
            state.waker = waker
            let needs = state.pendingHeaders != nil || (state.resetCode != nil && !state.resetSubmitted)
            if needs && !state.wakePosted {
                state.wakePosted = true
                return true
            }
            return false
        }
    }

    func takeServiceAction() -> ServiceAction {
        self.state.withLock { state in
            state.wakePosted = false
            if let code = state.resetCode {
                if state.resetSubmitted { return .none }
                state.resetSubmitted = true
                return .reset(code)
            }
            if let headers = state.pendingHeaders {
                state.pendingHeaders = nil
                return .submitHeaders(headers, endStream: state.headersEndStream)
            }
            if state.deferred && (state.bytes > 0 || state.end != nil) {
                state.deferred = false
                return .resume
            }
            return .none
        }
    }

    /// Whether this stream still has data or an end to hand to nghttp2.
    var hasPendingOutput: Bool {
        self.state.withLock { $0.bytes > 0 || ($0.end != nil && !$0.endReported) }
    }

    /// Called from nghttp2's data source read callback.
    func pull(maxLength: Int) -> NGHTTP2PullResult {
        self.state.withLock { state in
            if state.failure != nil && state.resetCode != nil {
                state.deferred = true
                return .deferredResult
            }
            if state.bytes > 0 {
                let n = min(maxLength, state.bytes)
                var result = NGHTTP2PullResult(length: n, endOfData: false, trailers: nil, deferred: false)
                if n == state.bytes, let end = state.end {
                    result.endOfData = true
                    state.endReported = true
                    if case .trailers(let trailers) = end { result.trailers = trailers }
                }
                return result
            }
            if let end = state.end, !state.endReported {
                state.endReported = true
                var result = NGHTTP2PullResult(length: 0, endOfData: true, trailers: nil, deferred: false)
                if case .trailers(let trailers) = end { result.trailers = trailers }
                return result
            }
            state.deferred = true
            return .deferredResult
        }
    }

    /// Moves `length` queued bytes to the session's output (called right after a successful
    /// `pull`): small pieces are copied, large ones passed through as slices.
    func drain(length: Int, into session: NGHTTP2Session) {
        var remaining = length
        let waiter: CheckedContinuation<Void, any Error>? = self.state.withLock { state in
            while remaining > 0, var chunk = state.chunks.first {
                let n = min(remaining, chunk.readableBytes)
                if n == chunk.readableBytes {
                    session.appendPayload(chunk)
                    state.chunks.removeFirst()
                } else {
                    if let slice = chunk.readSlice(length: n) {
                        session.appendPayload(slice)
                    }
                    state.chunks.replaceFirst(chunk)
                }
                remaining -= n
                state.bytes -= n
            }
            if length > remaining { self.accounting?.remove(length - remaining) }
            if state.bytes <= self.lowWatermark, let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            return nil
        }
        if remaining > 0 {
            // Only possible if the queue was cleared between pull and drain; keep the frame
            // well-formed (the stream is being torn down anyway).
            session.output.writeRepeatingByte(0, count: remaining)
        }
        waiter?.resume()
    }

    /// The stream is closed: drop everything, fail producers.
    func markClosed(_ error: any Error) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if state.failure == nil { state.failure = error }
            let dropped = state.bytes
            if dropped > 0 { self.accounting?.remove(dropped) }
            state.chunks.removeAll()
            state.bytes = 0
            state.waker = nil
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(throwing: error)
    }
}
