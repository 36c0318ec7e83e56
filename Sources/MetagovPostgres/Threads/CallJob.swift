import MetagovCore

/// A job running `work` on a thread's connection and answering the suspended caller with its result.
final class CallJob<T: Sendable>: ConnectionJob {
    private let work: @Sendable (BlockingConnection) throws -> T
    private let continuation: CheckedContinuation<T, any Error>

    init(_ work: @escaping @Sendable (BlockingConnection) throws -> T, _ continuation: CheckedContinuation<T, any Error>) {
        self.work = work
        self.continuation = continuation
    }

    func run(on connection: BlockingConnection) {
        continuation.resume(with: Result { try work(connection) })
    }

    func cancel(_ error: any Error) { continuation.resume(throwing: error) }
}

extension ConnectionThreads {
    /// Runs `work` on one of the threads' connections; the caller suspends meanwhile.
    func call<T: Sendable>(_ work: @escaping @Sendable (BlockingConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in submit(CallJob(work, continuation)) }
    }
}
