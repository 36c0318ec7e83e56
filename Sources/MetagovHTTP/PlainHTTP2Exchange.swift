import MetagovHTTP2
import NIOCore

/// One plain HTTP request over HTTP/2 (not gRPC), answered by the server's ``PlainHTTPHandler``.
/// Event-loop confined except for the response, which the outbound stream accepts from any thread.
package final class PlainHTTP2Exchange {
    private let method: String
    private let path: String
    private let headers: [(name: String, value: String)]
    private let peer: String
    private let maxBodyBytes: Int
    private var body: [UInt8] = []
    private var tooLarge = false
    package let outbound = HTTP2OutboundStream(highWatermark: 1 << 20)

    package init(method: String, path: String, headers: [HTTP2Header], peer: String, maxBodyBytes: Int) {
        self.method = method
        self.path = path
        self.headers = headers.filter { !$0.name.hasPrefix(":") }.map { (name: $0.name, value: $0.value) }
        self.peer = peer
        self.maxBodyBytes = maxBodyBytes
    }

    package func receive(_ data: ByteBuffer) {
        guard !self.tooLarge else { return }
        if self.body.count + data.readableBytes > self.maxBodyBytes {
            self.tooLarge = true
            self.body = []
        } else {
            self.body += data.readableBytesView
        }
    }

    /// The request is complete: answer it from a task.
    package func requestEnded(handler: any PlainHTTPHandler) {
        let outbound = self.outbound
        if self.tooLarge {
            Self.respond(.text(413, "request body larger than \(self.maxBodyBytes) bytes\n"), on: outbound)
            return
        }
        let request = PlainHTTPRequest(
            method: self.method, path: self.path, headers: self.headers, body: self.body, peer: self.peer)
        self.body = []
        Self.answer(request, handler: handler, on: outbound)
    }

    private static func answer(_ request: PlainHTTPRequest, handler: any PlainHTTPHandler, on outbound: HTTP2OutboundStream) {
        Task {
            Self.respond(await handler.handle(request), on: outbound)
        }
    }

    private static func respond(_ response: PlainHTTPResponse, on outbound: HTTP2OutboundStream) {
        var headers = [HTTP2Header(":status", String(response.status))]
        headers += response.headers.map { HTTP2Header($0.name.lowercased(), $0.value) }
        headers.append(HTTP2Header("content-length", String(response.body.count)))
        if response.body.isEmpty {
            outbound.enqueue(headers: headers, headersEndStream: true)
        } else {
            outbound.enqueue(headers: headers, data: ByteBuffer(bytes: response.body), end: .endStream)
        }
    }
}
