import AsyncHTTPClient
import Crypto
import Foundation
import MetagovClient
import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON
import MetagovTestSupport
import NIOCore
import Testing

private func sign(_ body: String, _ secret: String) -> String {
    "sha256=" + HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        .map { String(format: "%02x", $0) }.joined()
}

/// POSTs over HTTP/1.1 with AsyncHTTPClient; returns (status, body).
private func post1(_ url: String, _ body: String, headers: [(String, String)] = []) async throws -> (Int, String) {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(string: body))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
    return (Int(response.status.code), text)
}

/// POSTs over HTTP/2 (prior knowledge, cleartext) with curl; returns (status, body).
private func post2(_ url: String, _ body: String, headers: [(String, String)] = []) throws -> (Int, String) {
    // The body goes through a file: a command-line argument could not hold a large one.
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("metagov-post2-\(UUID().uuidString)")
    try Data(body.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["curl", "-s", "--http2-prior-knowledge", "-X", "POST", "--data-binary", "@\(file.path)", "-w", "\n%{http_code} %{http_version}"]
        + headers.flatMap { ["-H", "\($0.0): \($0.1)"] } + [url]
    let lines = try runToEnd(process).stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
    let trailer = lines.last.map(String.init) ?? ""
    let parts = trailer.split(separator: " ")
    #expect(parts.last == "2", "curl did not use HTTP/2: \(trailer)")
    return (Int(parts.first ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
}

@Suite("metagovd serve: incoming platform webhooks and /healthz on the API port")
struct IncomingWebhookTests {
    @Test("signed webhooks over HTTP/1.1 and HTTP/2 reach the plugin; bad signatures are 401 and change nothing; clear 4xx otherwise")
    func incoming() async throws {
        let server = try ServerProcess()
        try server.start(authentication: true)
        defer { server.stop() }
        let client = try await server.client(token: try server.adminToken())
        _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
        _ = try await client.plugins.enablePlugin(.init(
            community: "c", name: "inbound", config: .init(fields: ["secret": .init(json: "k"), "platform_id": .init(json: "org-7")])))
        _ = try await client.plugins.enablePlugin(.init(community: "c", name: "poll"))
        let base = "http://127.0.0.1:\(server.port)"
        let body = #"{"action":"opened","number":1}"#

        var (code, text) = try await post1("\(base)/api/hooks/c/inbound", body, headers: [("X-Hub-Signature-256", sign(body, "k"))])
        #expect(code == 200)
        #expect(try JSONValue(parsing: text)["receiver_ran"] == true)
        (code, _) = try post2("\(base)/api/hooks/c/inbound", body, headers: [("X-Hub-Signature-256", sign(body, "k")), ("X-GitHub-Event", "issues")])
        #expect(code == 200)
        // The plugin-wide route finds the instance by its platform id.
        (code, _) = try await post1("\(base)/api/hooks/inbound", body, headers: [("X-Hub-Signature-256", sign(body, "k")), ("X-Platform-Id", "org-7")])
        #expect(code == 200)
        (code, _) = try await post1("\(base)/api/hooks/inbound", body, headers: [("X-Hub-Signature-256", sign(body, "k")), ("X-Platform-Id", "org-8")])
        #expect(code == 401)

        // Bad or missing signatures: 401, nothing emitted.
        let badSignature: String
        (code, badSignature) = try await post1("\(base)/api/hooks/c/inbound", body, headers: [("X-Hub-Signature-256", sign(body, "wrong"))])
        #expect(code == 401)
        #expect(badSignature.contains("signature does not verify"))
        (code, _) = try post2("\(base)/api/hooks/c/inbound", body)
        #expect(code == 401)

        // Unknown communities and plugins, and plugins not enabled, answer exactly like a bad signature: an
        // unauthenticated caller cannot tell which communities exist.
        for path in ["nope/inbound", "c/unknown-plugin", "c/randomness"] {
            (code, text) = try await post1("\(base)/api/hooks/\(path)", body)
            #expect(code == 401 && text == badSignature, "\(path)")
        }
        (code, _) = try await post1("\(base)/api/hooks/c/inbound", String(repeating: "x", count: 5 << 20))
        #expect(code == 413)
        (code, text) = try post2("\(base)/api/hooks/c/inbound", String(repeating: "x", count: 5 << 20))
        #expect(code == 413 && text.contains("request body larger than"))

        var events: [Metagov_V1_Event] = []
        for try await event in client.events.subscribe(.init(community: "c")) {
            events.append(event)
            if events.count == 3 { break }
        }
        #expect(events.allSatisfy { $0.eventType == "webhook_received" && $0.data?.json["body"]?["number"] == 1 })
        #expect(events[1].data?.json["event"] == "issues")
        var options = GRPCCallOptions()
        options.timeout = .milliseconds(300)
        options.metadata.add("authorization", "Bearer \(try server.adminToken())")
        let more = await status { for try await extra in client.events.subscribe(.init(community: "c", afterCursor: events[2].cursor), options: options) { Issue.record("unexpected \(extra)") } }
        #expect(more?.code == .deadlineExceeded)

        // The same through the API.
        let rpc = try await client.plugins.deliverWebhook(.init(
            community: "c", plugin: "inbound", headers: ["X-Hub-Signature-256": sign(body, "k")], body: Array(body.utf8)))
        #expect(rpc.receiverRan)
        let rejected = await status {
            _ = try await client.plugins.deliverWebhook(.init(community: "c", plugin: "inbound", headers: [:], body: Array(body.utf8)))
        }
        #expect(rejected?.code == .unauthenticated)
        await client.close()
    }

    @Test("/healthz answers over HTTP/1.1 and HTTP/2 without a token")
    func healthz() async throws {
        let server = try ServerProcess()
        try server.start(authentication: true)
        defer { server.stop() }
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/healthz"), timeout: .seconds(10))
        #expect(response.status.code == 200)
        #expect(String(buffer: try await response.body.collect(upTo: 1024)) == "ok\n")
        let unknown = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/nothing"), timeout: .seconds(10))
        #expect(unknown.status.code == 404)
    }

    @Test("malformed HTTP/1.1 gets 400 and a closed connection; 'Connection: close' is honoured")
    func malformedAndClosingHTTP1() async throws {
        let server = try ServerProcess()
        try server.start()
        defer { server.stop() }
        // Raw bytes over a socket (bash's /dev/tcp); `cat` returns only once the server closes the connection.
        // `then` more bytes (zeros) follow the request.
        func exchange(_ request: String, then extra: Int = 0) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [
                "-c", "exec 3<>/dev/tcp/127.0.0.1/\(server.port); printf '%s' \"$1\" >&3; head -c $2 /dev/zero >&3 2>/dev/null; timeout 10 cat <&3",
                "_", request, String(extra)]
            let output = try runToEnd(process)
            #expect(output.status == 0, "the server did not close the connection")
            return output.stdoutText
        }
        let malformed = try exchange("GARBAGE \u{1}\r\n\r\n")
        #expect(malformed.hasPrefix("HTTP/1.1 400"))
        // A client still sending when the 400 goes out gets it too (what it sends after is dropped).
        let flooding = try exchange("GARBAGE \u{1}\r\n", then: 256 * 1024)
        #expect(flooding.hasPrefix("HTTP/1.1 400"))
        let closing = try exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(closing.hasPrefix("HTTP/1.1 200"))
        #expect(closing.lowercased().contains("connection: close"))
        #expect(closing.hasSuffix("ok\n"))
        // The server goes on serving gRPC.
        let client = try await server.client()
        #expect(try await client.health.check(.init()).status == .serving)
        await client.close()
    }
}
