/// Watches a ``GRPCServer`` for metrics and logs: every call, every connection, every refusal by a bound.
/// Methods are called on event loops or handler threads and must return quickly. All have empty defaults.
public protocol GRPCServerObserver: Sendable {
    /// A call was accepted (its headers routed to a method).
    func callStarted(path: String)
    /// A call ended, with any status (also when the client cancelled it).
    func callFinished(_ call: GRPCFinishedCall)
    /// A client connection was accepted and counted.
    func connectionOpened(peer: String)
    /// A client connection closed; `reason` says why when the server ended it (e.g. `GOAWAY idle`).
    func connectionClosed(peer: String, reason: String)
    /// The server sent GOAWAY on a connection, and why (`shutdown`, `idle`, `max age`, `too_many_pings`, ...).
    func goAwaySent(peer: String, reason: String)
    /// A bound refused a connection or a stream.
    func refused(_ refusal: GRPCRefusal, peer: String)
}

extension GRPCServerObserver {
    public func callStarted(path: String) {}
    public func callFinished(_ call: GRPCFinishedCall) {}
    public func connectionOpened(peer: String) {}
    public func connectionClosed(peer: String, reason: String) {}
    public func goAwaySent(peer: String, reason: String) {}
    public func refused(_ refusal: GRPCRefusal, peer: String) {}
}

/// What a finished call reports.
public struct GRPCFinishedCall: Sendable {
    /// The method, e.g. `/metagov.v1.Actions/PerformAction`.
    public var path: String
    public var code: GRPCStatus.Code
    /// From the request headers to the status sent.
    public var duration: Duration
    public var peer: String
    /// Who called, as set by the handler (``ServerCallContext/setPrincipal(_:)``), if anyone.
    public var principal: String?
    /// The request's `x-request-id`, if it had one.
    public var requestID: String?
}

/// Which bound refused something.
public enum GRPCRefusal: String, Sendable, CaseIterable {
    /// `maxConnections` were open: the connection was closed on arrival.
    case connectionLimit = "max_connections"
    /// The connection did not complete its handshake in time.
    case handshakeTimeout = "handshake_timeout"
    /// A stream beyond MAX_CONCURRENT_STREAMS (REFUSED_STREAM).
    case concurrentStreams = "max_concurrent_streams"
    /// A header list over the limit (RST_STREAM ENHANCE_YOUR_CALM).
    case headerListSize = "max_header_list_size"
    /// PINGs too often (GOAWAY ENHANCE_YOUR_CALM too_many_pings).
    case tooManyPings = "too_many_pings"
    /// A request message that did not fit the connection's request byte budget (RESOURCE_EXHAUSTED).
    case requestBuffer = "request_buffer"
}
