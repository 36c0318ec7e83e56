import MetagovHTTP
import MetagovHTTP2
import NIOCore
import Synchronization

extension TimeAmount {
    /// The same span in NIO's unit (saturating).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(overflow ? .max : scaled &+ attoseconds / 1_000_000_000)
    }
}

/// Immutable per-server state shared by all connections.
final class ServerShared: Sendable {
    let configuration: GRPCServerConfiguration
    let methods: [String: MethodHandler]
    let interceptors: [any ServerInterceptor]
    let accounting = HTTP2BufferAccounting()
    let http2Configuration: HTTP2ConnectionConfiguration
    let allocator = ByteBufferAllocator()
    /// Where handler tasks run (nil: the global concurrent executor).
    let taskExecutor: (any TaskExecutor)?
    /// Serves plain HTTP on the same port, when set.
    let plainHTTP: (any PlainHTTPHandler)?
    /// Connections closed for not completing their handshake in time.
    let handshakeTimeouts = Atomic<Int>(0)

    init(
        configuration: GRPCServerConfiguration, methods: MethodTable, interceptors: [any ServerInterceptor],
        plainHTTP: (any PlainHTTPHandler)? = nil
    ) {
        self.plainHTTP = plainHTTP
        self.configuration = configuration
        self.methods = methods.handlers
        self.interceptors = interceptors
        self.taskExecutor = configuration.handlerExecution.taskExecutor
        var http2 = HTTP2ConnectionConfiguration()
        http2.maxConcurrentStreams = configuration.maxConcurrentStreams
        http2.initialStreamWindowSize = configuration.initialStreamWindowSize
        http2.connectionWindowSize = configuration.connectionWindowSize
        http2.maxHeaderListSize = configuration.maxHeaderListSize
        http2.management.maxIdle = configuration.maxConnectionIdle.map(TimeAmount.init)
        http2.management.maxAge = configuration.maxConnectionAge.map(TimeAmount.init)
        http2.management.maxAgeGrace = configuration.maxConnectionAgeGrace.map(TimeAmount.init)
        http2.management.keepaliveTime = configuration.keepaliveTime.map(TimeAmount.init)
        http2.management.keepaliveTimeout = TimeAmount(configuration.keepaliveTimeout)
        if let interval = configuration.minClientPingInterval {
            var policy = HTTP2PingPolicy()
            policy.minInterval = TimeAmount(interval)
            policy.maxStrikes = configuration.maxPingStrikes
            http2.management.pingPolicy = policy
        }
        self.http2Configuration = http2
    }

    /// Checks the limits a server cannot run with.
    static func validate(_ configuration: GRPCServerConfiguration) throws {
        let ceiling = GRPCServerConfiguration.messageSizeCeiling
        for (name, value) in [
            ("maxReceiveMessageSize", configuration.maxReceiveMessageSize),
            ("maxSendMessageSize", configuration.maxSendMessageSize),
        ] where !(1...ceiling).contains(value) {
            throw GRPCStatus(.invalidArgument, "\(name) must be between 1 and \(ceiling) bytes, not \(value)")
        }
        if let maxConnections = configuration.maxConnections, maxConnections < 1 {
            throw GRPCStatus(.invalidArgument, "maxConnections must be at least 1")
        }
        guard configuration.maxConcurrentStreams >= 1, configuration.maxHeaderListSize >= 1024 else {
            throw GRPCStatus(.invalidArgument, "maxConcurrentStreams must be ≥ 1 and maxHeaderListSize ≥ 1024")
        }
    }

    func status(for error: any Error, terminal: GRPCStatus?) -> GRPCStatus {
        if let status = error as? GRPCStatus { return status }
        if error is CancellationError { return terminal ?? GRPCStatus(.cancelled, "call cancelled") }
        if self.configuration.exposeErrorDescriptions {
            return GRPCStatus(.unknown, "\(error)")
        }
        return GRPCStatus(.unknown, "handler threw \(type(of: error))")
    }
}
