import Foundation
import MetagovHTTP2
import NIOCore
import NIOPosix

/// Where the server runs handler tasks (everything except `.unaryOnLoop`, which runs on the
/// event loop).
public enum GRPCHandlerExecution: Sendable, Hashable {
    /// A process-wide pool of worker threads (one per available processor), shared by all servers, that batches
    /// its hand-offs with the event loops: workers are woken once per event-loop tick rather
    /// than once per request, and a worker wakes the event loops it produced responses for once
    /// per batch of jobs. Under load this saves a context switch or two per call.
    case sharedThreadPool
    /// Swift's global concurrent executor (the default cooperative thread pool).
    case globalConcurrentExecutor

    var taskExecutor: (any TaskExecutor)? {
        switch self {
        case .sharedThreadPool: return GRPCHandlerExecutor.shared
        case .globalConcurrentExecutor: return nil
        }
    }
}

/// A `TaskExecutor` backed by a fixed set of threads with batched wake-ups (see
/// `GRPCHandlerExecution.sharedThreadPool`). Handlers must not block these threads for long,
/// exactly as with Swift's cooperative pool.
final class GRPCHandlerExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = GRPCHandlerExecutor(threadCount: AvailableProcessors.count)

    private let condition = NSCondition()
    // Guarded by `condition`.
    @exclusivity(unchecked) private var jobs = CircularBuffer<UnownedJob>(initialCapacity: 1024)
    @exclusivity(unchecked) private var sleeping = 0
    @exclusivity(unchecked) private var pendingWakeups = 0
    @exclusivity(unchecked) private var deferredSignal = false

    let threadCount: Int
    /// Jobs a worker takes per batch (its event-loop wake-ups are issued after the batch).
    private let maxBatch = 64

    init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
        for index in 0..<self.threadCount {
            let name = "grpc-handler-\(index)"
            let thread = Thread { [self] in
                // Foundation's name does not reach the kernel on Linux (`top -H`, profilers): the thread writes
                // it where the kernel keeps it (this module does not see MetagovCore's `NamedThread`).
                if let comm = FileHandle(forWritingAtPath: "/proc/thread-self/comm") {
                    try? comm.write(contentsOf: Data(name.utf8))
                    try? comm.close()
                }
                self.workerLoop()
            }
            thread.name = name
            thread.start()
        }
    }

    /// Whether a sleeping worker should be woken for the queued jobs (called under the lock).
    private var shouldWakeWorker: Bool {
        guard self.sleeping > self.pendingWakeups else { return false }
        let awake = self.threadCount - self.sleeping + self.pendingWakeups
        return awake == 0 || self.jobs.count > awake * self.maxBatch
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        var deferTo: (any EventLoop)? = nil
        self.condition.lock()
        self.jobs.append(unownedJob)
        if !self.deferredSignal && self.shouldWakeWorker {
            if let loop = MultiThreadedEventLoopGroup.currentEventLoop {
                // Enqueued from an event loop (a request arriving, a stream resuming): wake a
                // worker once, at the end of this loop tick, for everything enqueued meanwhile.
                self.deferredSignal = true
                deferTo = loop
            } else {
                self.pendingWakeups += 1
                self.condition.signal()
            }
        }
        self.condition.unlock()
        if let deferTo {
            deferTo.execute {
                self.flushDeferredSignal()
            }
        }
    }

    private func flushDeferredSignal() {
        self.condition.lock()
        self.deferredSignal = false
        if !self.jobs.isEmpty && self.shouldWakeWorker {
            self.pendingWakeups += 1
            self.condition.signal()
        }
        self.condition.unlock()
    }

    private func workerLoop() {
        var batch: [UnownedJob] = []
        batch.reserveCapacity(self.maxBatch)
        let executor = self.asUnownedTaskExecutor()
        while true {
            self.condition.lock()
            while self.jobs.isEmpty {
                self.sleeping += 1
                // Timed, so a deferred wake-up that never arrives (an event loop shutting down)
                // cannot strand a job.
                _ = self.condition.wait(until: Date(timeIntervalSinceNow: 0.05))
                self.sleeping -= 1
                if self.pendingWakeups > 0 { self.pendingWakeups -= 1 }
            }
            let count = min(self.jobs.count, self.maxBatch)
            for _ in 0..<count {
                batch.append(self.jobs.removeFirst())
            }
            if !self.jobs.isEmpty && self.shouldWakeWorker {
                // More than this worker will take: get help.
                self.pendingWakeups += 1
                self.condition.signal()
            }
            self.condition.unlock()
            HTTP2WakeupBatching.withBatchedWakeups {
                for job in batch {
                    job.runSynchronously(on: executor)
                }
            }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
