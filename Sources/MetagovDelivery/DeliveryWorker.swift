import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import MetagovCore
import NIOCore

/// Sends the outbox: every due delivery is POSTed (JSON, signed when its subscription has a secret); a 2xx
/// answer marks it delivered, anything else (status, timeout, refused connection) schedules a retry with
/// exponential backoff and jitter until the attempt limit marks it failed. Runs beside the API, never in it:
/// a slow receiver delays only its own deliveries. Pending deliveries survive restarts (they are rows in the
/// database); each is claimed for a lease before it is sent, so that gateways sharing a database never attempt
/// one at the same time, and one in flight when its gateway dies is sent again once the lease ends
/// (at-least-once: receivers de-duplicate by `X-Metagov-Event-Id`).
///
/// Destinations are checked when each attempt is sent (``DestinationGuard``): loopback, private and link-local
/// addresses (cloud metadata endpoints among them) are refused unless `metagov.delivery.allowed_destinations`
/// covers them; a refused attempt fails like any other and is retried, then marked failed.
public final class DeliveryWorker: Sendable {
    private let core: Metagov
    private let client: HTTPClient
    private let logger: Logger
    private let pollInterval: Duration
    private let concurrency: Int
    private let destinations: DestinationGuard

    /// - Parameters:
    ///   - pollInterval: how often the outbox is checked for due deliveries.
    ///   - concurrency: deliveries sent at once.
    public init(core: Metagov, pollInterval: Duration = .milliseconds(250), concurrency: Int = 16) {
        self.core = core
        self.client = HTTPClient(eventLoopGroupProvider: .singleton)
        self.logger = Logger(label: "metagov.delivery")
        self.pollInterval = pollInterval
        self.concurrency = max(1, concurrency)
        self.destinations = DestinationGuard(config: core.config)
    }

    /// Sends due deliveries until the task is cancelled, then shuts the HTTP client down. The outbox's depth
    /// (`metagov_outbox_pending`) is measured every few seconds meanwhile.
    public func run() async {
        let depth = Gauge(label: "metagov_outbox_pending")
        var measured: ContinuousClock.Instant?
        while !Task.isCancelled {
            if measured.map({ ContinuousClock.now - $0 >= .seconds(5) }) ?? true {
                measured = .now
                if let pending = try? await self.core.outbox.pendingCount() { depth.record(pending) }
            }
            let sent = await self.sendDue()
            if sent == 0 { try? await Task.sleep(for: self.pollInterval) }
        }
        try? await self.client.shutdown()
    }

    /// Sends one batch of due deliveries; returns how many were attempted.
    @discardableResult
    public func sendDue() async -> Int {
        let due: [OutboundDelivery]
        do {
            due = try await self.core.outbox.claimDue(limit: self.concurrency)
        } catch {
            self.logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for delivery in due { group.addTask { await self.send(delivery) } }
        }
        return due.count
    }

    private func send(_ delivery: OutboundDelivery) async {
        let settings = DeliverySettings(self.core.config)
        var statusCode: Int?
        var failure: String?
        do {
            let body = Array(delivery.body.utf8)
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "metagov-swift")
            request.headers.add(name: DeliverySigner.eventIDHeader, value: delivery.eventID)
            request.headers.add(name: DeliverySigner.deliveryHeader, value: String(delivery.id))
            request.headers.add(name: DeliverySigner.timestampHeader, value: String(Int(Date().timeIntervalSince1970)))
            let secret = try await self.core.outbox.secret(of: delivery)
            if !secret.isEmpty {
                request.headers.add(name: DeliverySigner.signatureHeader, value: DeliverySigner.signature(body: body, secret: secret))
            }
            request.body = .bytes(ByteBuffer(bytes: body))
            let destination = try await self.destinations.destination(of: delivery.url)
            let timeout = TimeAmount.milliseconds(Int64(settings.timeout * 1000))
            let code: UInt
            if destination.host == destination.address {
                let response = try await self.client.execute(request, timeout: timeout)
                code = response.status.code
                _ = try? await response.body.collect(upTo: 64 * 1024)
            } else {
                // A client that connects to the checked address for this host (TLS still verifies the host name).
                var configuration = HTTPClient.Configuration()
                configuration.dnsOverride = [destination.host: destination.address]
                let pinned = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
                do {
                    let response = try await pinned.execute(request, timeout: timeout)
                    code = response.status.code
                    _ = try? await response.body.collect(upTo: 64 * 1024)
                    try? await pinned.shutdown()
                } catch {
                    try? await pinned.shutdown()
                    throw error
                }
            }
            statusCode = Int(code)
            if !(200..<300).contains(code) { failure = "HTTP \(code)" }
        } catch {
            failure = "\(error)"
        }
        do {
            try await self.core.outbox.record(delivery, delivered: failure == nil, error: failure, statusCode: statusCode)
        } catch {
            self.logger.error("cannot record a delivery attempt", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
        }
        Counter(label: "metagov_delivery_attempts_total").increment()
        Counter(label: failure == nil ? "metagov_deliveries_delivered_total" : "metagov_delivery_failures_total").increment()
        if let failure {
            self.logger.warning(
                "delivery failed", metadata: ["delivery": "\(delivery.id)", "destination": "\(Self.loggable(delivery.url))", "error": "\(failure)",
                                              "attempt": "\(delivery.attempts + 1)"])
        }
    }
}

extension DeliveryWorker {
    /// `url` as logs may show it: scheme, host, port and path, without credentials or query string (receivers
    /// often take a token there).
    static func loggable(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.host != nil else { return "(not a URL)" }
        (components.user, components.password, components.query, components.fragment) = (nil, nil, nil, nil)
        return components.string ?? "(not a URL)"
    }
}
