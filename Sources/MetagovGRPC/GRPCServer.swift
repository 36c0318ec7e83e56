import MetagovHTTP
import MetagovHTTP2
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A gRPC server (h2c, HTTP/2 with prior knowledge) serving the methods of a `MethodTable`.
///
/// Each accepted connection gets its own nghttp2 session on one of the server's event loops.
/// Handlers run as Swift concurrency tasks (except `.unaryOnLoop`); their results are written
/// back on the connection's event loop, batched per loop tick.
///
/// Lifecycle: `start()` binds and returns the port; `shutdown()` stops accepting, sends GOAWAY
/// to every connection, lets in-flight calls finish within the grace period, then closes
/// everything. Signal handling is left to the application (call `shutdown()` on SIGTERM).
public final class GRPCServer: Sendable {
    private enum Phase {
        case idle
        case starting
        case running
        case shuttingDown
        case stopped
    }

    private struct Registered {
        let channel: any Channel
        let handle: HTTP2ConnectionHandle?
    }

    private struct State {
        var phase: Phase = .idle
        var group: MultiThreadedEventLoopGroup? = nil
        var listener: (any Channel)? = nil
        var connections: [ObjectIdentifier: Registered] = [:]
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        var port: Int? = nil
    }

    private let state = Mutex(State())
    private let serverState: ServerShared
    private let limiter: ConnectionLimiter
    /// The TLS context in force (set by `start()` when the configuration has TLS).
    private let tls = Mutex<TLSContextStore?>(nil)

    /// The configuration the server was created with.
    public var configuration: GRPCServerConfiguration { self.serverState.configuration }

    /// - Parameter plainHTTP: when given, the port also serves plain HTTP with it: HTTP/1.1 connections
    ///   (told apart from HTTP/2 by the connection preface) and HTTP/2 requests to the paths it handles.
    public init(
        configuration: GRPCServerConfiguration, methods: MethodTable, interceptors: [any ServerInterceptor] = [],
        plainHTTP: (any PlainHTTPHandler)? = nil
    ) {
        self.serverState = ServerShared(
            configuration: configuration, methods: methods, interceptors: interceptors, plainHTTP: plainHTTP)
        self.limiter = ConnectionLimiter(limit: configuration.maxConnections, observer: configuration.observer)
    }

    /// The bound port once started.
    public var port: Int? { self.state.withLock { $0.port } }

    /// Response bytes currently queued in the server (waiting for flow-control window or socket).
    public var bufferedResponseBytes: Int { self.serverState.accounting.bufferedBytes }

    /// The highest value `bufferedResponseBytes` has reached.
    public var peakBufferedResponseBytes: Int { self.serverState.accounting.peakBufferedBytes }

    /// Resets `peakBufferedResponseBytes` to the current value.
    public func resetPeakBufferedResponseBytes() { self.serverState.accounting.resetPeak() }

    /// Number of open client connections.
    public var connectionCount: Int { self.state.withLock { $0.connections.count } }

    /// Connections closed on arrival because `maxConnections` were open.
    public var refusedConnectionCount: Int { self.limiter.refusedConnections }

    /// Connections closed because they did not complete their handshake within `handshakeTimeout`.
    public var handshakeTimeoutCount: Int { self.serverState.handshakeTimeouts.load(ordering: .relaxed) }

    /// Binds and starts serving. Returns the bound port (useful with port 0).
    public func start() async throws -> Int {
        try ServerShared.validate(self.serverState.configuration)
        if let configuration = self.serverState.configuration.tls {
            let store = try TLSContextStore(configuration)
            self.tls.withLock { $0 = store }
        }
        let tls = self.tls.withLock { $0 }
        let group: MultiThreadedEventLoopGroup = try self.state.withLock { state in
            switch state.phase {
            case .idle:
                state.phase = .starting
                let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, self.serverState.configuration.eventLoopThreads))
                state.group = group
                return group
            case .starting, .running:
                throw GRPCStatus(.failedPrecondition, "server already started")
            case .shuttingDown, .stopped:
                throw GRPCStatus(.failedPrecondition, "server was shut down")
            }
        }
        let serverState = self.serverState
        let limiter = self.limiter
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Out of file descriptors (EMFILE/ENFILE): stop accepting for a second instead of spinning.
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler(shouldForwardIOErrorCaught: false))
                    try channel.pipeline.syncOperations.addHandler(limiter)
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let peer = describePeer(channel.remoteAddress)
                    try channel.pipeline.syncOperations.addHandler(
                        HandshakeTimeoutHandler(timeout: TimeAmount(serverState.configuration.handshakeTimeout)) {
                            serverState.handshakeTimeouts.wrappingAdd(1, ordering: .relaxed)
                            serverState.configuration.observer?.refused(.handshakeTimeout, peer: peer)
                        })
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context))
                    }
                    let makeHTTP2 = {
                        let http2 = HTTP2Connection(role: .server, configuration: serverState.http2Configuration)
                        http2.delegate = GRPCServerConnection(
                            serverState: serverState, peer: peer,
                            peerCertificate: tls == nil ? { nil } : { Self.peerCertificate(of: channel) })
                        return http2
                    }
                    guard let plainHTTP = serverState.plainHTTP else {
                        let http2 = makeHTTP2()
                        try channel.pipeline.syncOperations.addHandler(http2)
                        if !self.register(channel, handle: http2.handle) { http2.beginGracefulShutdown() }
                        return
                    }
                    // Until the first bytes tell HTTP/2 from HTTP/1.1, the connection has no HTTP/2 handle:
                    // shutting down closes it outright.
                    if !self.register(channel, handle: nil) {
                        channel.close(promise: nil)
                        return
                    }
                    let maxBody = serverState.configuration.maxReceiveMessageSize
                    let sniffer = ProtocolSniffer(
                        http2: { context in
                            let http2 = makeHTTP2()
                            try context.pipeline.syncOperations.addHandler(http2, position: .after(context.handler))
                            if !self.register(channel, handle: http2.handle) { http2.beginGracefulShutdown() }
                        },
                        http1: { context in
                            let sync = context.pipeline.syncOperations
                            let server = HTTP1Server(
                                handler: plainHTTP, maxBodyBytes: maxBody, peer: peer,
                                idleTimeout: serverState.configuration.maxConnectionIdle.map(TimeAmount.init))
                            try sync.addHandler(server, position: .after(context.handler))
                            var limits = NIOHTTPDecoderLimitConfiguration()
                            limits.maxHeaderListSize = serverState.configuration.maxHeaderListSize
                            limits.maxHeaderFieldSize = serverState.configuration.maxHeaderListSize
                            try sync.configureHTTPServerPipeline(
                                position: .after(context.handler), withErrorHandling: false,
                                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
                        })
                    try channel.pipeline.syncOperations.addHandler(sniffer)
                }
            }
        do {
            let channel = try await bootstrap.bind(
                host: self.serverState.configuration.host, port: self.serverState.configuration.port
            ).get()
            let port = channel.localAddress?.port ?? self.serverState.configuration.port
            let proceed = self.state.withLock { state -> Bool in
                guard state.phase == .starting else { return false }
                state.phase = .running
                state.listener = channel
                state.port = port
                return true
            }
            if !proceed {
                try? await channel.close()
                throw GRPCStatus(.unavailable, "server was shut down while starting")
            }
            return port
        } catch {
            let shouldStop = self.state.withLock { state -> Bool in
                if state.phase == .starting {
                    state.phase = .stopped
                    return true
                }
                return false
            }
            if shouldStop {
                try? await group.shutdownGracefully()
                self.resumeStopWaiters()
            }
            throw error
        }
    }

    /// Reads the TLS certificate files again: connections accepted from now on use them, established ones keep
    /// theirs. Throws (keeping the certificates in use) when a file is missing, malformed or expired, naming it.
    public func reloadTLS() throws {
        guard let store = self.tls.withLock({ $0 }) else {
            throw GRPCStatus(.failedPrecondition, "the server does not use TLS")
        }
        try store.reload()
    }

    /// The DER bytes of the client certificate verified during the TLS handshake (event loop only).
    private static func peerCertificate(of channel: any Channel) -> [UInt8]? {
        guard let handler = try? channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self) else { return nil }
        return handler.peerCertificate.flatMap { try? $0.toDERBytes() }
    }

    /// Tracks an accepted connection. Returns false if the server is shutting down (the caller
    /// then starts the connection's graceful shutdown right away).
    private func register(_ channel: any Channel, handle: HTTP2ConnectionHandle?) -> Bool {
        let id = ObjectIdentifier(channel)
        let (accepting, known) = self.state.withLock { state -> (Bool, Bool) in
            let known = state.connections[id] != nil
            state.connections[id] = Registered(channel: channel, handle: handle)
            return (state.phase == .running || state.phase == .starting, known)
        }
        if known { return accepting }
        let observer = self.serverState.configuration.observer
        if let observer {
            let peer = describePeer(channel.remoteAddress)
            observer.connectionOpened(peer: peer)
            channel.closeFuture.whenComplete { _ in observer.connectionClosed(peer: peer, reason: "closed") }
        }
        channel.closeFuture.whenComplete { [self] _ in
            _ = self.state.withLock { state in
                state.connections.removeValue(forKey: id)
            }
        }
        return accepting
    }

    /// Graceful shutdown: stop accepting, GOAWAY every connection, let in-flight calls finish
    /// (at most `shutdownGracePeriod`), then close all connections and stop the event loops.
    /// Returns once everything is closed. Safe to call more than once.
    public func shutdown() async {
        enum Action {
            case wait
            case perform(MultiThreadedEventLoopGroup?, (any Channel)?)
        }
        let action: Action = self.state.withLock { state in
            switch state.phase {
            case .idle:
                state.phase = .stopped
                return .perform(nil, nil)
            case .starting, .running:
                state.phase = .shuttingDown
                let listener = state.listener
                state.listener = nil
                return .perform(state.group, listener)
            case .shuttingDown, .stopped:
                return .wait
            }
        }
        switch action {
        case .wait:
            await self.waitUntilStopped()
            return
        case .perform(let group, let listener):
            if let listener {
                try? await listener.close()
            }
            if let group {
                await self.drainConnections(group: group)
                try? await group.shutdownGracefully()
            }
            self.state.withLock { state in
                state.phase = .stopped
                state.group = nil
            }
            self.resumeStopWaiters()
        }
    }

    private func drainConnections(group: MultiThreadedEventLoopGroup) async {
        let registered = self.state.withLock { Array($0.connections.values) }
        for connection in registered {
            if let handle = connection.handle {
                handle.execute { $0.beginGracefulShutdown() }
            } else {
                connection.channel.close(promise: nil)  // plain HTTP/1.1 (or not yet identified)
            }
        }
        let closeFutures = registered.map { $0.channel.closeFuture }
        let loop = group.next()
        let allClosed = EventLoopFuture.andAllComplete(closeFutures, on: loop)
        let grace = self.serverState.configuration.shutdownGracePeriod
        let (seconds, attoseconds) = grace.components
        let nanos = max(0, seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000)
        let timer = loop.scheduleTask(in: .nanoseconds(nanos)) { [self] in
            // Grace period over: close whatever is left (handlers get cancelled).
            let remaining = self.state.withLock { Array($0.connections.values) }
            for connection in remaining {
                connection.channel.close(promise: nil)
            }
        }
        try? await allClosed.get()
        timer.cancel()
        // Connections accepted while draining.
        let late = self.state.withLock { Array($0.connections.values) }
        if !late.isEmpty {
            for connection in late { connection.channel.close(promise: nil) }
            try? await EventLoopFuture.andAllComplete(late.map { $0.channel.closeFuture }, on: loop).get()
        }
    }

    /// Starts the server (if not yet started) and waits until `shutdown()` completes.
    /// Cancelling the calling task shuts the server down.
    public func run() async throws {
        if self.state.withLock({ $0.phase == .idle }) {
            _ = try await self.start()
        }
        await withTaskCancellationHandler {
            await self.waitUntilStopped()
        } onCancel: {
            Task { await self.shutdown() }
        }
    }

    private func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = self.state.withLock { state -> Bool in
                if state.phase == .stopped { return true }
                state.stopWaiters.append(continuation)
                return false
            }
            if stopped { continuation.resume() }
        }
    }

    private func resumeStopWaiters() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state.stopWaiters.removeAll() }
            return state.stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
