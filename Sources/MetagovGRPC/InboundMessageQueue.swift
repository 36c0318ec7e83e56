import NIOCore
import Synchronization

/// A single-consumer queue of received messages with flow-control back-pressure.
///
/// The event loop pushes messages as DATA arrives and asks (`shouldConsumeNow`) whether the
/// DATA's bytes may be returned to the peer's HTTP/2 window immediately; once more than `limit`
/// message bytes are buffered the credit is withheld ("owed") and released through `onCredit`
/// when the consumer has drained the queue to half the limit.
final class InboundMessageQueue: Sendable {
    private struct State {
        var messages = CircularBuffer<[UInt8]>(initialCapacity: 4)
        var bufferedBytes = 0
        var terminal: Result<Void, any Error>? = nil
        var waiter: CheckedContinuation<[UInt8]?, any Error>? = nil
        var owedCredit = 0
    }

    private let state = Mutex(State())
    private let limit: Int
    /// Called (from the consumer's thread) with wire bytes to hand back to flow control.
    private let onCredit: (@Sendable (Int) -> Void)?
    /// Called when a waiting consumer is cancelled.
    private let onCancel: (@Sendable () -> Void)?

    init(
        limit: Int, onCredit: (@Sendable (Int) -> Void)? = nil, onCancel: (@Sendable () -> Void)? = nil
    ) {
        self.limit = max(limit, 1)
        self.onCredit = onCredit
        self.onCancel = onCancel
    }

    // MARK: producer (event loop)

    /// Delivers a message. Ignored after `finish`.
    func push(_ message: [UInt8]) {
        let waiter = self.state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
            guard state.terminal == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.messages.append(message)
            state.bufferedBytes += message.count
            return nil
        }
        waiter?.resume(returning: message)
    }

    /// After pushing the messages of a DATA chunk of `wireBytes`: returns true if the caller
    /// should consume them now; otherwise the credit is owed until the consumer catches up.
    func shouldConsumeNow(wireBytes: Int) -> Bool {
        self.state.withLock { state in
            if state.terminal != nil || state.bufferedBytes < self.limit {
                return true
            }
            state.owedCredit += wireBytes
            return false
        }
    }

    /// Ends the stream. With `discardBuffered`, buffered messages are dropped and the result is
    /// delivered immediately; otherwise buffered messages are delivered first.
    /// Returns credit still owed (so the caller can return it to flow control).
    @discardableResult
    func finish(_ result: Result<Void, any Error>, discardBuffered: Bool = false) -> Int {
        let (waiter, owed) = self.state.withLock { state -> (CheckedContinuation<[UInt8]?, any Error>?, Int) in
            guard state.terminal == nil else { return (nil, 0) }
            state.terminal = result
            if discardBuffered {
                state.messages.removeAll()
                state.bufferedBytes = 0
            }
            let owed = state.owedCredit
            state.owedCredit = 0
            let waiter = state.waiter
            state.waiter = nil
            return (waiter, owed)
        }
        if let waiter {
            switch result {
            case .success: waiter.resume(returning: nil)
            case .failure(let error): waiter.resume(throwing: error)
            }
        }
        return owed
    }

    var isFinished: Bool {
        self.state.withLock { $0.terminal != nil }
    }

    // MARK: consumer

    private enum Poll {
        case message([UInt8], credit: Int)
        case end(Result<Void, any Error>)
        case wait
    }

    private func poll(storing continuation: CheckedContinuation<[UInt8]?, any Error>?) -> Poll {
        self.state.withLock { state in
            if let message = state.messages.popFirst() {
                state.bufferedBytes -= message.count
                var credit = 0
                if state.owedCredit > 0 && state.bufferedBytes <= self.limit / 2 {
                    credit = state.owedCredit
                    state.owedCredit = 0
                }
                return .message(message, credit: credit)
            }
            if let terminal = state.terminal {
                return .end(terminal)
            }
            if let continuation {
                if Task.isCancelled {
                    return .end(.failure(CancellationError()))
                }
                state.waiter = continuation
            }
            return .wait
        }
    }

    /// The next message, nil at the end of the stream; throws the stream's error.
    func next() async throws -> [UInt8]? {
        switch self.poll(storing: nil) {
        case .message(let message, let credit):
            if credit > 0 { self.onCredit?(credit) }
            return message
        case .end(let result):
            try result.get()
            return nil
        case .wait:
            break
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                switch self.poll(storing: continuation) {
                case .message(let message, let credit):
                    if credit > 0 { self.onCredit?(credit) }
                    continuation.resume(returning: message)
                case .end(let result):
                    switch result {
                    case .success: continuation.resume(returning: nil)
                    case .failure(let error): continuation.resume(throwing: error)
                    }
                case .wait:
                    break
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            if let waiter {
                waiter.resume(throwing: CancellationError())
            }
            self.onCancel?()
        }
    }
}
