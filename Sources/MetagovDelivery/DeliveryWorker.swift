import AsyncHTTPClient
import Foundation
import Logging
import MetagovCore
import NIOCore

/// Sends the outbox: every due delivery is POSTed (JSON, signed when its subscription has a secret); a 2xx
/// answer marks it delivered, anything else (status, timeout, refused connection) schedules a retry with
/// exponential backoff and jitter until the attempt limit marks it failed. Runs beside the API, never in it:
/// a slow receiver delays only its own deliveries. Pending deliveries survive restarts (they are rows in
/// SQLite); a delivery in flight when the process dies is sent again (at-least-once: receivers de-duplicate
/// by `X-Metagov-Event-Id`).
public final class DeliveryWorker: Sendable {
    private let core: Metagov
    private let client: HTTPClient
    private let logger: Logger
    private let pollInterval: Duration
    private let concurrency: Int

    /// - Parameters:
    ///   - pollInterval: how often the outbox is checked for due deliveries.
    ///   - concurrency: deliveries sent at once.
    public init(core: Metagov, pollInterval: Duration = .milliseconds(250), concurrency: Int = 16) {
        self.core = core
        self.client = HTTPClient(eventLoopGroupProvider: .singleton)
        self.logger = Logger(label: "metagov.delivery")
        self.pollInterval = pollInterval
        self.concurrency = max(1, concurrency)
    }

    /// Sends due deliveries until the task is cancelled, then shuts the HTTP client down.
    public func run() async {
        while !Task.isCancelled {
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
            due = try await self.core.outbox.due(limit: self.concurrency)
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
            let response = try await self.client.execute(request, timeout: .milliseconds(Int64(settings.timeout * 1000)))
            statusCode = Int(response.status.code)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if !(200..<300).contains(response.status.code) { failure = "HTTP \(response.status.code)" }
        } catch {
            failure = "\(error)"
        }
        do {
            try await self.core.outbox.record(delivery, delivered: failure == nil, error: failure, statusCode: statusCode)
        } catch {
            self.logger.error("cannot record a delivery attempt", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
        }
        if let failure {
            self.logger.warning(
                "delivery failed", metadata: ["delivery": "\(delivery.id)", "url": "\(delivery.url)", "error": "\(failure)",
                                              "attempt": "\(delivery.attempts + 1)"])
        }
    }
}
