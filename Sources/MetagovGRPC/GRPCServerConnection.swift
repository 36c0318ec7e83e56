import MetagovHTTP
import MetagovHTTP2
import NIOCore

/// The gRPC protocol on one server-side HTTP/2 connection: routes request streams by `:path`
/// to `ServerCall`s. Event-loop confined.
final class GRPCServerConnection: HTTP2ConnectionDelegate {
    let serverState: ServerShared
    let peer: String
    @exclusivity(unchecked) private var calls: [Int32: ServerCall] = [:]
    /// Plain (non-gRPC) HTTP requests in progress, and the request bytes each holds of `budget`.
    @exclusivity(unchecked) private var plainExchanges: [Int32: PlainHTTP2Exchange] = [:]
    @exclusivity(unchecked) private var plainBytes: [Int32: Int] = [:]
    @exclusivity(unchecked) private var handle: HTTP2ConnectionHandle?
    @exclusivity(unchecked) private var eventLoop: (any EventLoop)?
    /// The last route looked up (paths are interned per connection, so repeated calls to the
    /// same method compare by identity instead of hashing).
    @exclusivity(unchecked) private var lastPath: String = ""
    @exclusivity(unchecked) private var lastHandler: MethodHandler? = nil
    /// Request bytes this connection may hold.
    let budget: RequestBudget

    /// The verified TLS client certificate (DER), read once the first call needs it.
    private let readPeerCertificate: () -> [UInt8]?
    @exclusivity(unchecked) private var peerCertificate: [UInt8]?? = nil

    init(serverState: ServerShared, peer: String, peerCertificate: @escaping () -> [UInt8]? = { nil }) {
        self.serverState = serverState
        self.peer = peer
        self.readPeerCertificate = peerCertificate
        let configuration = serverState.configuration
        self.budget = RequestBudget(
            limit: max(configuration.connectionRequestBufferLimit, configuration.maxReceiveMessageSize.multipliedReportingOverflow(by: 2).partialValue))
        self.calls.reserveCapacity(64)
    }

    func connectionActive(_ connection: HTTP2Connection) {
        self.handle = connection.handle
        self.eventLoop = connection.eventLoop
    }

    func headersReceived(
        _ connection: HTTP2Connection, streamID: Int32, kind: HTTP2HeadersKind, headers: [HTTP2Header],
        endStream: Bool
    ) {
        switch kind {
        case .request:
            self.startCall(connection, streamID: streamID, headers: headers, endStream: endStream)
        case .trailers:
            // Request trailers are allowed (and ignored); they end the request.
            if endStream, let call = self.calls[streamID] {
                call.requestEnded(connection: connection)
            }
        case .response:
            break
        }
    }

    func dataReceived(_ connection: HTTP2Connection, streamID: Int32, data: ByteBuffer) {
        if let call = self.calls[streamID] {
            call.receive(data, connection: connection)
        } else if let exchange = self.plainExchanges[streamID] {
            if self.budget.reserve(data.readableBytes) {
                self.plainBytes[streamID, default: 0] += data.readableBytes
                exchange.receive(data)
            } else {
                connection.resetStream(streamID: streamID, errorCode: .enhanceYourCalm)
            }
            connection.consume(streamID: streamID, bytes: data.readableBytes)
        } else {
            connection.consume(streamID: streamID, bytes: data.readableBytes)
        }
    }

    func endOfStreamReceived(_ connection: HTTP2Connection, streamID: Int32) {
        self.calls[streamID]?.requestEnded(connection: connection)
        if let exchange = self.plainExchanges[streamID], let handler = self.serverState.plainHTTP {
            exchange.requestEnded(handler: handler)
        }
    }

    func endOfStreamSent(_ connection: HTTP2Connection, streamID: Int32) {}

    func streamClosed(_ connection: HTTP2Connection, streamID: Int32, errorCode: HTTP2ErrorCode) {
        self.calls.removeValue(forKey: streamID)?.streamClosed()
        self.plainExchanges.removeValue(forKey: streamID)
        self.budget.release(self.plainBytes.removeValue(forKey: streamID) ?? 0)
    }

    func goAwayReceived(_ connection: HTTP2Connection, lastStreamID: Int32, errorCode: HTTP2ErrorCode) {}

    func streamRefused(_ connection: HTTP2Connection, streamID: Int32, reason: HTTP2StreamRefusal) {
        guard let observer = self.serverState.configuration.observer else { return }
        switch reason {
        case .concurrentStreams: observer.refused(.concurrentStreams, peer: self.peer)
        case .headerListSize: observer.refused(.headerListSize, peer: self.peer)
        }
    }

    func goAwaySent(_ connection: HTTP2Connection, reason: String) {
        guard let observer = self.serverState.configuration.observer else { return }
        observer.goAwaySent(peer: self.peer, reason: reason)
        if reason == "too_many_pings" { observer.refused(.tooManyPings, peer: self.peer) }
    }

    func connectionClosed(_ connection: HTTP2Connection, error: (any Error)?) {
        let calls = self.calls
        self.calls.removeAll()
        self.plainExchanges.removeAll()
        self.plainBytes.removeAll()
        for (_, call) in calls {
            call.streamClosed()
        }
        self.handle = nil
    }

    // MARK: call setup

    private func certificate() -> [UInt8]? {
        if let known = self.peerCertificate { return known }
        let read = self.readPeerCertificate()
        self.peerCertificate = .some(read)
        return read
    }

    private static func isGRPCContentType(_ value: String) -> Bool {
        if value == "application/grpc" { return true }
        return value.hasPrefix("application/grpc+") || value.hasPrefix("application/grpc;")
    }

    /// Answers a stream without creating a call (HTTP errors, unknown methods...).
    private func respondImmediately(_ connection: HTTP2Connection, streamID: Int32, headers: [HTTP2Header]) {
        let outbound = HTTP2OutboundStream(highWatermark: 1024)
        connection.attachOutbound(outbound, streamID: streamID)
        outbound.enqueue(headers: headers, headersEndStream: true)
    }

    private func startCall(_ connection: HTTP2Connection, streamID: Int32, headers: [HTTP2Header], endStream: Bool) {
        var path: String? = nil
        var method: String? = nil
        var contentType: String? = nil
        var timeout: String? = nil
        var encoding: String? = nil
        var acceptEncoding: String? = nil
        var metadata = GRPCMetadata()
        for header in headers {
            let name = header.name
            let utf8 = name.utf8
            if utf8.first == UInt8(ascii: ":") {
                switch utf8.count {
                case 5 where name == ":path": path = header.value
                case 7 where name == ":method": method = header.value
                default: break
                }
                continue
            }
            // Dispatch on length first: most comparisons are then avoided entirely.
            switch utf8.count {
            case 2 where name == "te": continue
            case 10 where name == "user-agent": continue
            case 12 where name == "content-type": contentType = header.value
            case 12 where name == "grpc-timeout": timeout = header.value
            case 13 where name == "grpc-encoding": encoding = header.value
            case 20 where name == "grpc-accept-encoding": acceptEncoding = header.value
            default:
                if !GRPCMetadata.isReserved(name) {
                    metadata.addFromWire(name: name, value: header.value)
                }
            }
        }

        if let plain = self.serverState.plainHTTP, let path, !(contentType.map(Self.isGRPCContentType) ?? false),
            plain.handles(path: path)
        {
            let exchange = PlainHTTP2Exchange(
                method: method ?? "GET", path: path, headers: headers, peer: self.peer,
                maxBodyBytes: self.serverState.configuration.maxReceiveMessageSize)
            self.plainExchanges[streamID] = exchange
            connection.attachOutbound(exchange.outbound, streamID: streamID)
            if endStream { exchange.requestEnded(handler: plain) }
            return
        }
        guard method == "POST" else {
            self.respondImmediately(
                connection, streamID: streamID,
                headers: [HTTP2Header(":status", "405"), HTTP2Header("allow", "POST")])
            return
        }
        guard let contentType, GRPCServerConnection.isGRPCContentType(contentType) else {
            // Per the gRPC HTTP/2 spec: plain HTTP 415, no gRPC status.
            self.respondImmediately(connection, streamID: streamID, headers: [HTTP2Header(":status", "415")])
            return
        }
        var handler: MethodHandler? = nil
        if let path {
            if let lastHandler = self.lastHandler, path == self.lastPath {
                handler = lastHandler
            } else if let found = self.serverState.methods[path] {
                handler = found
                self.lastPath = path
                self.lastHandler = found
            }
        }
        guard let path, let handler else {
            self.respondImmediately(
                connection, streamID: streamID,
                headers: ServerHeaders.trailersOnly(GRPCStatus(.unimplemented, "unknown method \(path ?? "")")))
            return
        }
        var requestCompressed = false
        if let encoding, encoding != "identity" {
            guard encoding == "gzip" else {
                self.respondImmediately(
                    connection, streamID: streamID,
                    headers: ServerHeaders.trailersOnly(
                        GRPCStatus(.unimplemented, "grpc-encoding '\(encoding)' is not supported")))
                return
            }
            requestCompressed = true
        }
        var deadline: ContinuousClock.Instant? = nil
        var timeoutNanos: Int64? = nil
        if let timeout {
            guard let nanos = GRPCTimeout.parse(timeout) else {
                self.respondImmediately(
                    connection, streamID: streamID,
                    headers: ServerHeaders.trailersOnly(GRPCStatus(.internal, "malformed grpc-timeout '\(timeout)'")))
                return
            }
            timeoutNanos = nanos
            deadline = ContinuousClock.now.advanced(by: .nanoseconds(nanos))
        }
        var compressResponses = false
        if self.serverState.configuration.responseCompression.enabled, let acceptEncoding {
            compressResponses = acceptEncoding.split(separator: ",").contains {
                $0.trimmingCharacters(in: " ") == "gzip"
            }
        }

        let call = ServerCall(
            streamID: streamID, path: path, handler: handler, metadata: metadata, deadline: deadline, peer: self.peer,
            serverState: self.serverState, requestCompressed: requestCompressed, compressResponses: compressResponses,
            connectionHandle: self.handle, budget: self.budget, peerCertificate: self.certificate())
        self.calls[streamID] = call
        connection.attachOutbound(call.outbound, streamID: streamID)
        if let timeoutNanos, let eventLoop = self.eventLoop {
            call.armDeadline(nanoseconds: timeoutNanos, on: eventLoop)
        }
        call.start(endStream: endStream, connection: connection)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var result = self
        while result.first == character { result = result.dropFirst() }
        while result.last == character { result = result.dropLast() }
        return result
    }
}

/// Formats a peer address the way gRPC does (`ipv4:1.2.3.4:5678`, `ipv6:[::1]:5678`).
func describePeer(_ address: SocketAddress?) -> String {
    guard let address else { return "unknown" }
    switch address {
    case .v4:
        return "ipv4:\(address.ipAddress ?? "?"):\(address.port ?? 0)"
    case .v6:
        return "ipv6:[\(address.ipAddress ?? "?")]:\(address.port ?? 0)"
    case .unixDomainSocket:
        return "unix:\(address.pathname ?? "")"
    }
}
