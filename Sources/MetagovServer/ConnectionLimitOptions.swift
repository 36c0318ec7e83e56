import ArgumentParser
import MetagovGRPC

/// `metagovd serve`'s bounds on connections: how many, how long they may take to start, stay idle or live,
/// keepalive, the clients' PING rate, streams and header sizes. Defaults are meant for the open internet.
struct ConnectionLimitOptions: ParsableArguments {
    @Option(name: .customLong("max-connections"), help: "Connections served at once; more are closed as they arrive (default: the file-descriptor limit, raised to its hard limit at start, less 128).")
    var maxConnections: Int?

    @Option(name: .customLong("max-concurrent-streams"), help: "Calls in progress per HTTP/2 connection; more are refused (REFUSED_STREAM).")
    var maxConcurrentStreams = 100

    @Option(name: .customLong("max-header-list-size"), help: "Largest request header list in bytes (HTTP/2 and HTTP/1.1 heads); larger HTTP/2 requests are reset.")
    var maxHeaderListSize = 16 * 1024

    @Option(name: .customLong("handshake-timeout"), help: "Seconds a new connection has to send its HTTP/2 preface and SETTINGS, or a whole first HTTP/1.1 request.")
    var handshakeTimeout: Double = 10

    @Option(name: .customLong("max-connection-idle"), help: "Seconds a connection may stay without a call in progress before it gets GOAWAY (HTTP/1.1: is closed); 0: no limit.")
    var maxConnectionIdle: Double = 300

    @Option(name: .customLong("max-connection-age"), help: "Seconds (±10%) after which a connection gets GOAWAY; 0: no limit.")
    var maxConnectionAge: Double = 0

    @Option(name: .customLong("max-connection-age-grace"), help: "Seconds calls may still run after the age GOAWAY before the connection is closed; 0: no limit.")
    var maxConnectionAgeGrace: Double = 0

    @Option(name: .customLong("keepalive-time"), help: "Seconds without receiving anything after which the server PINGs the client; 0: no keepalive.")
    var keepaliveTime: Double = 7200

    @Option(name: .customLong("keepalive-timeout"), help: "Seconds to wait for the keepalive PING's ACK before closing the connection.")
    var keepaliveTimeout: Double = 20

    @Option(name: .customLong("min-client-ping-interval"), help: "Seconds clients must leave between PINGs while calls run (two hours without calls); a third early PING ends the connection (GOAWAY ENHANCE_YOUR_CALM too_many_pings); 0: any rate.")
    var minClientPingInterval: Double = 300

    func validate() throws {
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be ≥ 1") }
        guard maxConcurrentStreams >= 1 else { throw ValidationError("--max-concurrent-streams must be ≥ 1") }
        guard (1024...(16 << 20)).contains(maxHeaderListSize) else { throw ValidationError("--max-header-list-size must be between 1024 and 16777216") }
        guard handshakeTimeout > 0, handshakeTimeout.isFinite else { throw ValidationError("--handshake-timeout must be > 0") }
        for (name, value) in [
            ("--max-connection-idle", maxConnectionIdle), ("--max-connection-age", maxConnectionAge),
            ("--max-connection-age-grace", maxConnectionAgeGrace), ("--keepalive-time", keepaliveTime),
            ("--min-client-ping-interval", minClientPingInterval),
        ] where !(value >= 0 && value.isFinite) {
            throw ValidationError("\(name) must be ≥ 0")
        }
        guard keepaliveTimeout > 0, keepaliveTimeout.isFinite else { throw ValidationError("--keepalive-timeout must be > 0") }
    }

    /// Sets these limits on `configuration`; `fileDescriptors` (the limit in force) gives the default
    /// `--max-connections`.
    func apply(to configuration: inout GRPCServerConfiguration, fileDescriptors: Int) {
        configuration.maxConnections = maxConnections ?? max(16, fileDescriptors - 128)
        configuration.maxConcurrentStreams = maxConcurrentStreams
        configuration.maxHeaderListSize = maxHeaderListSize
        configuration.handshakeTimeout = Self.duration(handshakeTimeout)
        configuration.maxConnectionIdle = maxConnectionIdle > 0 ? Self.duration(maxConnectionIdle) : nil
        configuration.maxConnectionAge = maxConnectionAge > 0 ? Self.duration(maxConnectionAge) : nil
        configuration.maxConnectionAgeGrace = maxConnectionAgeGrace > 0 ? Self.duration(maxConnectionAgeGrace) : nil
        configuration.keepaliveTime = keepaliveTime > 0 ? Self.duration(keepaliveTime) : nil
        configuration.keepaliveTimeout = Self.duration(keepaliveTimeout)
        configuration.minClientPingInterval = minClientPingInterval > 0 ? Self.duration(minClientPingInterval) : nil
    }

    static func duration(_ seconds: Double) -> Duration { .milliseconds(Int64(min(seconds, 1e12) * 1000)) }
}
