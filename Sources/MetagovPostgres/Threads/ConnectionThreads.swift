import Foundation
import MetagovCore

/// Work for a thread that owns a connection.
protocol ConnectionJob: AnyObject {
    /// Runs the job on the thread's connection; called at most once.
    func run(on connection: BlockingConnection)
    /// Answers the job's caller with `error` without running it (the store is closed).
    func cancel(_ error: any Error)
}

/// Threads that each own a ``BlockingConnection`` and take jobs from one queue, first come first served: the
/// blocking pool of the store. Neither the API's handler threads nor Swift's cooperative pool ever wait on the
/// database; callers queue a job and suspend.
final class ConnectionThreads: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [any ConnectionJob] = []
    private var head = 0
    private var stopping = false

    /// Starts one thread per connection.
    init(name: String, connections: [BlockingConnection]) {
        for (index, connection) in connections.enumerated() {
            NamedThread.start("\(name)-\(index)") { [self] in run(connection) }
        }
    }

    /// Queues `job`; a free thread runs it.
    func submit(_ job: any ConnectionJob) {
        condition.lock()
        guard !stopping else {
            condition.unlock()
            job.cancel(StoreError.unavailable("the database is closed"))
            return
        }
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the threads finish what is queued, close their connections and end.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func run(_ connection: BlockingConnection) {
        while let job = next() { job.run(on: connection) }
        connection.close()
    }

    private func next() -> (any ConnectionJob)? {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count {
            if stopping { return nil }
            condition.wait()
        }
        let job = queue[head]
        head += 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        }
        return job
    }
}

/// A read transaction: the caller's body on a repeatable-read snapshot, answered through its continuation.
///
/// The body is the caller's non-escaping closure made escapable for the time the caller is suspended: it is
/// released after it ran and before the caller is resumed.
final class ReadJob<T: Sendable>: ConnectionJob {
    private var body: (@Sendable (any StoreReader) throws -> T)?
    private let continuation: UnsafeContinuation<T, any Error>

    init(_ body: @escaping @Sendable (any StoreReader) throws -> T, _ continuation: UnsafeContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    /// `BEGIN` is sent with the first statement and `ROLLBACK` after the last without waiting for either, so a
    /// read costs one round trip per statement.
    func run(on connection: BlockingConnection) {
        guard let result = perform(on: connection) else { return }
        connection.finish()
        continuation.resume(with: result)
    }

    /// Runs the body once and lets go of it (before the caller resumes, as `withoutActuallyEscaping` demands).
    private func perform(on connection: BlockingConnection) -> Result<T, any Error>? {
        guard let body else { return nil }
        self.body = nil
        return Result {
            try connection.open()
            connection.send("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try body(PostgresReader(connection: connection))
        }
    }

    func cancel(_ error: any Error) {
        body = nil
        continuation.resume(throwing: error)
    }
}
