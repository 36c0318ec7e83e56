import ArgumentParser
import Dispatch
import Foundation
import Logging
import MetagovCore
import MetagovGRPC
import MetagovRPC

/// `metagovd serve`: the gRPC API and the scheduler, until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the gRPC API (and run the scheduler) until SIGINT or SIGTERM.",
        discussion: """
            Prints 'metagovd serving on HOST:PORT' on standard output once it listens (with --port 0, the port \
            the system picked). On SIGINT/SIGTERM: health turns NOT_SERVING, connections get GOAWAY, in-flight \
            calls may finish within --shutdown-grace seconds, then the process exits 0.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "TCP port (0: any free port).")
    var port = 50051

    @Option(name: .customLong("scheduler-interval"), help: "Seconds between scheduler passes (periodic tasks, update() of pending processes); 0 disables.")
    var schedulerInterval: Double = 15

    @Option(name: .customLong("max-message-size"), help: "Largest request or response message, in bytes.")
    var maxMessageSize = 4 * 1024 * 1024

    @Option(name: .customLong("shutdown-grace"), help: "Seconds in-flight calls may take to finish on shutdown.")
    var shutdownGrace: Double = 10

    @Option(name: .customLong("event-loop-threads"), help: "Event loop threads (default: one per core).")
    var eventLoopThreads: Int?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard schedulerInterval >= 0, schedulerInterval.isFinite else { throw ValidationError("--scheduler-interval must be ≥ 0") }
        guard maxMessageSize >= 1024 else { throw ValidationError("--max-message-size must be at least 1024 bytes") }
        guard shutdownGrace >= 0, shutdownGrace.isFinite else { throw ValidationError("--shutdown-grace must be ≥ 0") }
        if let threads = eventLoopThreads, threads < 1 { throw ValidationError("--event-loop-threads must be ≥ 1") }
    }

    func run() async throws {
        let logger = Logger(label: "metagovd.serve")
        let core = try global.openCore()
        let api = MetagovAPI(core: core)
        var configuration = GRPCServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.maxReceiveMessageSize = maxMessageSize
        configuration.maxSendMessageSize = maxMessageSize
        configuration.shutdownGracePeriod = .milliseconds(Int64(shutdownGrace * 1000))
        if let eventLoopThreads { configuration.eventLoopThreads = eventLoopThreads }
        let server = GRPCServer(configuration: configuration, methods: api.methods)
        let boundPort = try await server.start()
        logger.info("listening", metadata: ["host": "\(host)", "port": "\(boundPort)", "database": "\(global.databasePath)"])
        FileHandle.standardOutput.write(Data("metagovd serving on \(host):\(boundPort)\n".utf8))

        let interval = schedulerInterval
        let scheduler = Task { [core] in
            guard interval > 0 else { return }
            await core.scheduler.run(every: .milliseconds(Int64(interval * 1000)))
        }
        let signal = await ShutdownSignal.next()
        logger.info("shutting down", metadata: ["signal": "\(signal)"])
        api.health.setAll(.notServing)
        scheduler.cancel()
        await server.shutdown()
        await scheduler.value
        logger.info("stopped")
    }
}

/// Waits for SIGINT or SIGTERM (handled, so the process is not killed by them).
enum ShutdownSignal {
    static func next() async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let once = Once()
            let queue = DispatchQueue(label: "metagovd.signals")
            var sources: [any DispatchSourceSignal] = []
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler {
                    if once.claim() {
                        continuation.resume(returning: name)
                    }
                }
                source.resume()
                sources.append(source)
            }
            Retained.keep(sources)
        }
    }

    /// Resumes the continuation only once even if both signals arrive.
    private final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var claimed = false
        func claim() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            if claimed { return false }
            claimed = true
            return true
        }
    }

    /// Keeps the signal sources alive for the life of the process.
    private enum Retained {
        nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []
        static func keep(_ new: [any DispatchSourceSignal]) { sources += new }
    }
}
