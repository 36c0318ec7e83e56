import MetagovHTTP2
import NIOCore
import Synchronization

/// Standard response header blocks.
///
/// Every block the server sends must fit what clients accept (gRPC clients refuse header lists over 8–16 KiB
/// and nghttp2 cannot send a block over 64 KiB; either way the call would get no answer): status messages,
/// which may echo the request, are cut to `statusMessageLimit` bytes, and custom metadata beyond
/// `metadataBudget` bytes per block is left out.
enum ServerHeaders {
    /// The longest `grpc-message` sent, in UTF-8 bytes before percent-encoding (at most 3 KiB encoded).
    static let statusMessageLimit = 1024
    /// Custom metadata per header block (response headers, trailers), counted as HTTP/2 counts header lists.
    static let metadataBudget = 4 * 1024

    static let base: [HTTP2Header] = [
        HTTP2Header(":status", "200"), HTTP2Header("content-type", "application/grpc"),
        HTTP2Header("grpc-accept-encoding", "gzip,identity"),
    ]
    static let baseGzip: [HTTP2Header] = base + [HTTP2Header("grpc-encoding", "gzip")]
    static let okTrailers: [HTTP2Header] = [HTTP2Header("grpc-status", "0")]

    static func statusFields(_ status: GRPCStatus, into headers: inout [HTTP2Header]) {
        headers.append(HTTP2Header("grpc-status", String(status.code.rawValue)))
        if !status.message.isEmpty {
            headers.append(HTTP2Header("grpc-message", PercentEncoding.encode(truncated(status.message))))
        }
    }

    static func trailersOnly(_ status: GRPCStatus, metadata: GRPCMetadata? = nil, trailing: GRPCMetadata? = nil)
        -> [HTTP2Header]
    {
        var headers = base
        statusFields(status, into: &headers)
        let before = headers.count
        metadata?.appendHeaders(to: &headers, budget: metadataBudget)
        let used = headers[before...].reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 32 }
        trailing?.appendHeaders(to: &headers, budget: metadataBudget - used)
        return headers
    }

    /// `message` cut to at most `statusMessageLimit` UTF-8 bytes (at a character boundary), marked with "…".
    static func truncated(_ message: String) -> String {
        guard message.utf8.count > statusMessageLimit else { return message }
        var kept = ""
        var bytes = 0
        let marker = "… (truncated)"
        let room = statusMessageLimit - marker.utf8.count
        for character in message {
            let size = character.utf8.count
            if bytes + size > room { break }
            kept.append(character)
            bytes += size
        }
        return kept + marker
    }
}
