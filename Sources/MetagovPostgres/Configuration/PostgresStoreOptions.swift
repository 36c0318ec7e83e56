import NIOCore

/// How a ``PostgresStore`` uses its database.
public struct PostgresStoreOptions: Sendable, Hashable {
    /// Connections (and threads) that run read transactions; one more connection writes, one listens for other
    /// gateways' notifications and one holds cluster-wide roles (the scheduler).
    public var poolSize: Int
    /// Seconds to wait for a connection to be established.
    public var connectTimeout: Double
    /// Seconds one statement may take before the connection is given up (the call fails with UNAVAILABLE).
    public var queryTimeout: Double
    /// Seconds a write waits for the cluster-wide write lock held by another gateway before failing with
    /// UNAVAILABLE.
    public var busyTimeout: Double
    /// Seconds between checks for events committed by other gateways whose notification was missed (the
    /// notifications themselves wake subscribers at once).
    public var pollInterval: Double

    /// The defaults: a pool of twice the processors plus two, 5 s to connect, 30 s per statement, 5 s for the
    /// write lock, a check every second.
    public init(
        poolSize: Int? = nil, connectTimeout: Double = 5, queryTimeout: Double = 30, busyTimeout: Double = 5,
        pollInterval: Double = 1
    ) {
        self.poolSize = max(1, poolSize ?? Self.defaultPoolSize)
        self.connectTimeout = connectTimeout
        self.queryTimeout = queryTimeout
        self.busyTimeout = busyTimeout
        self.pollInterval = pollInterval
    }

    /// Twice the processors this process may run on, plus two.
    public static var defaultPoolSize: Int { 2 * System.coreCount + 2 }
}
