import MetagovCore
import MetagovGRPC
import MetagovHTTP

/// Plain HTTP on the API port (HTTP/1.1, or HTTP/2 without a gRPC content type):
/// - `POST /api/hooks/{community}/{plugin}` and `POST /api/hooks/{plugin}` (Metagov's routes) hand a
///   platform's webhook to the plugin: its signature check first (401 when it fails, nothing else happens),
///   then its receiver and the `receive_webhook` of its pending processes. 200 with what the receiver returned
///   when it returned something (a plugin host's receiver may), else with what ran; 413 over the size limit;
///   503 when the plugin's host is not connected, 504 when it did not answer in time. The caller is not authenticated yet, so it learns nothing about what exists: an unknown
///   community, plugin or platform id, a plugin not enabled there, and a signature that does not verify all
///   get the same 401 answer.
/// - `GET /healthz` for load balancers: 200 while serving, 503 when shutting down.
struct HTTPRoutes: PlainHTTPHandler {
    let core: Metagov
    let health: HealthStatus
    let metrics: MetricsExposition?
    let access: CallGuard

    /// The one answer for every webhook that is not accepted before its sender is known.
    static let notAccepted = PlainHTTPResponse.json(
        401, #"{"error": "webhook not accepted: no such receiver, or its signature does not verify"}"#)

    func handles(path: String) -> Bool {
        path.hasPrefix("/api/hooks/") || path == "/healthz" || path.hasPrefix("/healthz?")
            || (self.metrics != nil && (path == "/metrics" || path.hasPrefix("/metrics?")))
    }

    func handle(_ request: PlainHTTPRequest) async -> PlainHTTPResponse {
        let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.path
        if path == "/metrics", let metrics = self.metrics {
            return await self.serveMetrics(request, metrics)
        }
        if path == "/healthz" {
            guard request.method == "GET" || request.method == "HEAD" else { return .text(405, "use GET\n") }
            return self.health.status(of: "") == .serving ? .text(200, "ok\n") : .text(503, "shutting down\n")
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 3, parts.count <= 4, parts[0] == "api", parts[1] == "hooks" else {
            return .json(404, #"{"error": "no such route"}"#)
        }
        guard request.method == "POST" else { return .json(405, #"{"error": "webhooks must be POSTed"}"#) }
        let webhook = WebhookRequest(method: request.method, path: request.path, headers: request.headers, body: request.body)
        do {
            let delivered: WebhookDelivery
            if parts.count == 4 {
                delivered = try await self.core.webhooks.deliver(community: parts[2], plugin: parts[3], request: webhook)
            } else {
                delivered = try await self.core.webhooks.deliver(plugin: parts[2], request: webhook)
            }
            if let response = delivered.response { return .json(200, response.serialized()) }
            let body: JSONValue = [
                "receiver_ran": .bool(delivered.receiverRan),
                "process_ids": .array(delivered.processIDs.map { .integer(Int($0)) }),
            ]
            return .json(200, body.serialized())
        } catch let error as MetagovError {
            let status: Int
            switch error.code {
            case .unauthenticated, .notFound, .failedPrecondition: return Self.notAccepted
            case .permissionDenied: status = 403
            case .invalidArgument, .alreadyExists, .outOfRange: status = 400
            case .internal: status = 500
            case .unavailable: status = 503
            case .deadlineExceeded: status = 504
            }
            return .json(status, JSONValue.object(["error": .string(error.message)]).serialized())
        } catch {
            return .json(500, JSONValue.object(["error": .string("\(error)")]).serialized())
        }
    }
}

/// `GET /metrics`: what the server's metrics registry renders, in Prometheus text format.
public struct MetricsExposition: Sendable {
    /// The current metrics, as Prometheus text.
    public let render: @Sendable () -> String
    /// Served without a token; otherwise an admin token is needed.
    public let isPublic: Bool

    public init(isPublic: Bool, render: @escaping @Sendable () -> String) {
        self.isPublic = isPublic
        self.render = render
    }
}

extension HTTPRoutes {
    fileprivate func serveMetrics(_ request: PlainHTTPRequest, _ metrics: MetricsExposition) async -> PlainHTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else { return .text(405, "use GET\n") }
        if !metrics.isPublic, self.access.enforced {
            let caller: AuthContext
            do {
                caller = try await self.core.authenticator.authenticate(header: { request.header($0) }, core: self.core)
            } catch {
                return .text(401, "a valid admin token is needed\n")
            }
            guard caller.isAdmin else {
                return .text(caller.isAnonymous ? 401 : 403, "an admin token is needed (or --metrics-public)\n")
            }
        }
        return PlainHTTPResponse(
            status: 200, headers: [("content-type", "text/plain; version=0.0.4; charset=utf-8")],
            body: Array(metrics.render().utf8))
    }
}
