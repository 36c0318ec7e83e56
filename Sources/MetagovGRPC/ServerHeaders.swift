import MetagovHTTP2
import NIOCore
import Synchronization

/// Standard response header blocks.
enum ServerHeaders {
    static let base: [HTTP2Header] = [
        HTTP2Header(":status", "200"), HTTP2Header("content-type", "application/grpc"),
        HTTP2Header("grpc-accept-encoding", "gzip,identity"),
    ]
    static let baseGzip: [HTTP2Header] = base + [HTTP2Header("grpc-encoding", "gzip")]
    static let okTrailers: [HTTP2Header] = [HTTP2Header("grpc-status", "0")]

    static func statusFields(_ status: GRPCStatus, into headers: inout [HTTP2Header]) {
        headers.append(HTTP2Header("grpc-status", String(status.code.rawValue)))
        if !status.message.isEmpty {
            headers.append(HTTP2Header("grpc-message", PercentEncoding.encode(status.message)))
        }
    }

    static func trailersOnly(_ status: GRPCStatus, metadata: GRPCMetadata? = nil, trailing: GRPCMetadata? = nil)
        -> [HTTP2Header]
    {
        var headers = base
        statusFields(status, into: &headers)
        metadata?.appendHeaders(to: &headers)
        trailing?.appendHeaders(to: &headers)
        return headers
    }
}
