import CoreMetrics
import Logging
import MetagovGRPC
import Synchronization

/// What `metagovd serve` records about its transport: per RPC method and status a count and a latency
/// histogram, calls in flight, connections (open, opened, refused by each bound), GOAWAYs by reason; and one
/// log line per call (method, status, duration, peer, principal, request id: never a token, a secret or a
/// body) and per connection event.
final class ServerTelemetry: GRPCServerObserver {
    private let logger: Logger
    private let metrics: Bool
    private let inFlight = Meter(label: "metagov_rpc_in_flight")
    private let connectionsOpen = Meter(label: "metagov_connections_open")
    private let connectionsOpened = Counter(label: "metagov_connections_opened_total")
    /// Per method: its latency timer and a counter per status code, created when first needed.
    private struct MethodMetrics {
        let timer: Timer
        var counters: [Counter?]
    }

    private let methods = Mutex<[String: MethodMetrics]>([:])
    private let refusals: [GRPCRefusal: Counter]
    private let goAways = Mutex<[String: Counter]>([:])

    /// - Parameter metrics: false leaves every metric alone (only logs).
    init(logger: Logger, metrics: Bool) {
        self.logger = logger
        self.metrics = metrics
        var refusals: [GRPCRefusal: Counter] = [:]
        for refusal in GRPCRefusal.allCases {
            refusals[refusal] = Counter(label: "metagov_refused_total", dimensions: [("bound", refusal.rawValue)])
        }
        self.refusals = refusals
    }

    func callStarted(path: String) {
        if self.metrics { self.inFlight.increment() }
    }

    func callFinished(_ call: GRPCFinishedCall) {
        if self.metrics {
            self.inFlight.decrement()
            // One lock and one lookup per call; nothing allocated once the method and code have been seen.
            let (counter, timer) = self.methods.withLock { methods -> (Counter, Timer) in
                var metrics = methods[call.path] ?? MethodMetrics(
                    timer: Timer(label: "metagov_rpc_duration_seconds", dimensions: [("method", call.path)], preferredDisplayUnit: .seconds),
                    counters: Array(repeating: nil, count: 17))
                let index = min(call.code.rawValue, 16)
                if let counter = metrics.counters[index] { return (counter, metrics.timer) }
                let counter = Counter(
                    label: "metagov_rpc_requests_total", dimensions: [("method", call.path), ("code", call.code.description)])
                metrics.counters[index] = counter
                methods[call.path] = metrics
                return (counter, metrics.timer)
            }
            counter.increment()
            let (seconds, attoseconds) = call.duration.components
            timer.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
        if self.logger.logLevel <= .info {
            let (seconds, attoseconds) = call.duration.components
            let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
            self.logger.info("rpc", metadata: [
                "method": "\(call.path)", "code": "\(call.code)", "duration_ms": "\((milliseconds * 1000).rounded() / 1000)",
                "peer": "\(call.peer)", "principal": "\(call.principal ?? "anonymous")",
                "request_id": "\(call.requestID ?? Self.requestID())",
            ])
        }
    }

    func connectionOpened(peer: String) {
        if self.metrics {
            self.connectionsOpen.increment()
            self.connectionsOpened.increment()
        }
        self.logger.debug("connection opened", metadata: ["peer": "\(peer)"])
    }

    func connectionClosed(peer: String, reason: String) {
        if self.metrics { self.connectionsOpen.decrement() }
        self.logger.debug("connection closed", metadata: ["peer": "\(peer)"])
    }

    func goAwaySent(peer: String, reason: String) {
        if self.metrics {
            let counter = self.goAways.withLock { goAways in
                if let counter = goAways[reason] { return counter }
                let counter = Counter(label: "metagov_goaway_total", dimensions: [("reason", reason)])
                goAways[reason] = counter
                return counter
            }
            counter.increment()
        }
        self.logger.info("goaway", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
    }

    func refused(_ refusal: GRPCRefusal, peer: String) {
        if self.metrics { self.refusals[refusal]?.increment() }
        self.logger.notice("refused", metadata: ["peer": "\(peer)", "bound": "\(refusal.rawValue)"])
    }

    /// A request id for calls that came without `x-request-id`: 16 random hex digits.
    private static func requestID() -> String {
        let value = UInt64.random(in: 0...UInt64.max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
