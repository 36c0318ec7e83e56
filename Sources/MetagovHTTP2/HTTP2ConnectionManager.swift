import NIOCore

/// The timers and counters behind ``HTTP2ConnectionManagement`` for one server connection: idle and age
/// limits, keepalive PINGs, and the policing of the peer's PINGs. Event-loop confined; stopped when the
/// connection goes away.
final class HTTP2ConnectionManager {
    /// The payload of keepalive PINGs (told apart from the shutdown PING and from a delegate's).
    static let keepalivePingPayload: UInt64 = 0x6d67_6b65_6570_616c

    private let configuration: HTTP2ConnectionManagement
    private unowned let connection: HTTP2Connection
    private let eventLoop: any EventLoop

    private var idleTimer: Scheduled<Void>?
    private var ageTimer: Scheduled<Void>?
    private var graceTimer: Scheduled<Void>?
    private var keepaliveTimer: Scheduled<Void>?
    private var keepaliveTimeoutTimer: Scheduled<Void>?
    /// When the last stream closed (or the connection opened).
    private var idleSince = NIODeadline.now()
    private var receivedSinceKeepaliveCheck = false
    private var lastPingReceived: NIODeadline?
    private var pingStrikes = 0

    init(configuration: HTTP2ConnectionManagement, connection: HTTP2Connection, eventLoop: any EventLoop) {
        self.configuration = configuration
        self.connection = connection
        self.eventLoop = eventLoop
        if let maxAge = configuration.maxAge {
            // ±10% so that connections opened together do not all go away together.
            let jittered = TimeAmount.nanoseconds(Int64(Double(maxAge.nanoseconds) * Double.random(in: 0.9...1.1)))
            self.ageTimer = self.schedule(in: jittered) { $0.ageReached() }
        }
        if let keepaliveTime = configuration.keepaliveTime { self.armKeepalive(in: keepaliveTime) }
    }

    /// Cancels every timer.
    func stop() {
        for timer in [self.idleTimer, self.ageTimer, self.graceTimer, self.keepaliveTimer, self.keepaliveTimeoutTimer] {
            timer?.cancel()
        }
        self.idleTimer = nil
        self.ageTimer = nil
        self.graceTimer = nil
        self.keepaliveTimer = nil
        self.keepaliveTimeoutTimer = nil
    }

    // MARK: events from the connection

    /// The peer's preface and SETTINGS arrived: idle time counts from now (before, the handshake timeout
    /// applies).
    func handshakeCompleted() {
        guard let maxIdle = self.configuration.maxIdle else { return }
        self.idleSince = .now()
        self.armIdle(in: maxIdle)
    }

    /// Bytes arrived from the peer.
    func received() {
        self.receivedSinceKeepaliveCheck = true
    }

    /// The last open stream closed.
    func becameIdle() {
        if self.configuration.maxIdle != nil { self.idleSince = .now() }
    }

    /// We sent HEADERS or DATA: the peer's PINGs are welcome again (C-core resets its strikes then).
    func streamFrameSent() {
        self.lastPingReceived = nil
        self.pingStrikes = 0
    }

    /// The peer sent a PING. Returns true when it broke the policy (the connection must end: too_many_pings).
    func pingReceived(openStreams: Bool) -> Bool {
        guard let policy = self.configuration.pingPolicy else { return false }
        let now = NIODeadline.now()
        let interval = !openStreams && !policy.permitWithoutCalls ? TimeAmount.hours(2) : policy.minInterval
        defer { self.lastPingReceived = now }
        guard let last = self.lastPingReceived, now - last < interval else { return false }
        self.pingStrikes += 1
        return policy.maxStrikes > 0 && self.pingStrikes > policy.maxStrikes
    }

    /// Our keepalive PING was acknowledged.
    func keepaliveAcknowledged() {
        self.keepaliveTimeoutTimer?.cancel()
        self.keepaliveTimeoutTimer = nil
        if let keepaliveTime = self.configuration.keepaliveTime { self.armKeepalive(in: keepaliveTime) }
    }

    // MARK: timers

    private func schedule(in delay: TimeAmount, _ body: @escaping (HTTP2ConnectionManager) -> Void) -> Scheduled<Void> {
        self.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] in
            if let self { body(self) }
        }
    }

    private func armIdle(in delay: TimeAmount) {
        self.idleTimer = self.schedule(in: delay) { $0.idleCheck() }
    }

    private func idleCheck() {
        guard let maxIdle = self.configuration.maxIdle else { return }
        if self.connection.hasOpenStreams {
            self.armIdle(in: maxIdle)
            return
        }
        let idleFor = NIODeadline.now() - self.idleSince
        if idleFor >= maxIdle {
            self.connection.beginGracefulShutdown(reason: "idle")
        } else {
            self.armIdle(in: maxIdle - idleFor)
        }
    }

    private func ageReached() {
        self.connection.beginGracefulShutdown(reason: "max age")
        if let grace = self.configuration.maxAgeGrace {
            self.graceTimer = self.schedule(in: grace) { $0.connection.close(reason: "max age grace over") }
        }
    }

    private func armKeepalive(in delay: TimeAmount) {
        self.keepaliveTimer = self.schedule(in: delay) { $0.keepaliveCheck() }
    }

    private func keepaliveCheck() {
        guard let keepaliveTime = self.configuration.keepaliveTime else { return }
        if self.receivedSinceKeepaliveCheck {
            self.receivedSinceKeepaliveCheck = false
            self.armKeepalive(in: keepaliveTime)
            return
        }
        self.connection.sendPing(payload: Self.keepalivePingPayload)
        self.keepaliveTimeoutTimer = self.schedule(in: self.configuration.keepaliveTimeout) {
            $0.connection.close(reason: "keepalive timeout")
        }
    }
}
