import Foundation
import MetagovClient
import MetagovCore
import MetagovDelivery
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON
import Testing

/// Quick retries for tests.
private let fastRetries = [
    "metagov.delivery.base_delay_seconds": "0.1", "metagov.delivery.max_delay_seconds": "0.3",
    "metagov.delivery.max_attempts": "4",
]

private func pollWithVote(_ client: MetagovClient, community: String = "c") async throws -> Int64 {
    _ = try await client.communities.createCommunity(.init(slug: community, readableName: community))
    _ = try await client.plugins.enablePlugin(.init(community: community, name: "poll"))
    return try await client.processes.startProcess(.init(
        community: community, plugin: "poll", process: "vote",
        parameters: .init(fields: ["title": .init(json: "T"), "options": .init(json: ["x", "y"])]))).id
}

private func vote(_ client: MetagovClient, _ id: Int64, _ voter: String, community: String = "c") async throws {
    _ = try await client.actions.performAction(.init(
        community: community, plugin: "poll", action: "cast-vote",
        parameters: .init(fields: ["process_id": .init(json: .integer(Int(id))), "voter": .init(json: .string(voter)), "option": .init(json: "x")])))
}

@Suite("metagovd serve: webhook subscriptions, process callbacks, the outbox")
struct OutboundWebhookTests {
    @Test("matching events are POSTed signed, with an event id and a timestamp; filters and other communities get nothing")
    func signedDelivery() async throws {
        let receiver = WebhookReceiver()
        try receiver.start()
        defer { receiver.stop() }
        let other = WebhookReceiver()
        try other.start()
        defer { other.stop() }
        let server = try ServerProcess()
        try server.start(extraArguments: try server.configFile(fastRetries))
        defer { server.stop() }
        let client = try await server.client()
        let vote1 = try await pollWithVote(client)
        let voteD = try await pollWithVote(client, community: "d")
        let webhook = try await client.events.createWebhook(.init(community: "c", url: receiver.url, eventTypes: ["vote_cast"], secret: "s3cret"))
        #expect(webhook.hasSecret && webhook.id > 0)
        let filteredOut = try await client.events.createWebhook(.init(community: "c", url: other.url, eventTypes: ["something_else"]))
        _ = try await client.events.createWebhook(.init(community: "d", url: other.url))
        let bad = await status { _ = try await client.events.createWebhook(.init(community: "c", url: "ftp://x")) }
        #expect(bad?.code == .invalidArgument)
        #expect(await status { _ = try await client.events.createWebhook(.init(community: "zz", url: receiver.url)) }?.code == .notFound)

        try await vote(client, vote1, "ann")
        let received = try await receiver.waitFor(1)
        let request = try #require(received.first)
        #expect(request.headers["content-type"] == "application/json")
        let signature = try #require(request.headers["x-metagov-signature"])
        #expect(signature == independentSignature(request.body, secret: "s3cret"))
        #expect(DeliverySigner.verify(body: request.body, secret: "s3cret", header: signature))
        #expect(!DeliverySigner.verify(body: request.body, secret: "wrong", header: signature))
        let body = try JSONValue(parsing: request.body)
        #expect(body["event_type"] == "vote_cast")
        #expect(body["data"]?["voter"] == "ann")
        let cursor = try #require(body["cursor"]?.intValue)
        #expect(request.headers["x-metagov-event-id"] == "event-\(cursor)")
        let timestamp = try #require(request.headers["x-metagov-timestamp"].flatMap(Double.init))
        #expect(abs(timestamp - Date().timeIntervalSince1970) < 60)
        // Deliveries are enqueued with the event: a filter that does not match enqueues nothing.
        #expect(try await client.events.listDeliveries(.init(webhookId: filteredOut.id)).deliveries.isEmpty)
        // The other community's subscription gets its own community's event, and only that.
        try await vote(client, voteD, "dan", community: "d")
        let forD = try await other.waitFor(1)
        #expect(forD.count == 1)
        #expect(try JSONValue(parsing: forD[0].body)["community"] == "d")
        #expect(try await eventually { try await client.events.listDeliveries(.init(webhookId: webhook.id)).deliveries.first?.status == .delivered })
        let deliveries = try await client.events.listDeliveries(.init(webhookId: webhook.id))
        #expect(deliveries.deliveries.map(\.status) == [.delivered])
        #expect(deliveries.deliveries.first?.attempts == 1)
        #expect(deliveries.deliveries.first?.body?.json["cursor"]?.intValue == cursor)
        await client.close()
    }

    @Test("a receiver answering 500 gets retries with the same event id until it accepts; failures are visible and can be redelivered")
    func retriesAndRedelivery() async throws {
        let receiver = WebhookReceiver()
        try receiver.start()
        defer { receiver.stop() }
        receiver.failNext(2)
        let server = try ServerProcess()
        try server.start(extraArguments: try server.configFile(fastRetries))
        defer { server.stop() }
        let client = try await server.client()
        let id = try await pollWithVote(client)
        let webhook = try await client.events.createWebhook(.init(community: "c", url: receiver.url))
        try await vote(client, id, "ann")
        let attempts = try await receiver.waitFor(3)
        #expect(attempts.count == 3)
        #expect(Set(attempts.compactMap { $0.headers["x-metagov-event-id"] }).count == 1)
        #expect(try await eventually { try await client.events.listDeliveries(.init(webhookId: webhook.id)).deliveries.first?.status == .delivered })
        let listed = try await client.events.listDeliveries(.init(webhookId: webhook.id))
        #expect(listed.deliveries.first?.status == .delivered)
        #expect(listed.deliveries.first?.attempts == 3)

        // Always failing: after max_attempts (4) it is marked failed, with the last error.
        receiver.setFailing(true)
        try await vote(client, id, "bob")
        var failed: Metagov_V1_Delivery?
        _ = try await eventually {
            failed = try await client.events.listDeliveries(.init(webhookId: webhook.id, status: .failed)).deliveries.first
            return failed != nil
        }
        let failure = try #require(failed)
        #expect(failure.attempts == 4)
        #expect(failure.lastStatusCode == 500)
        #expect(failure.lastError.contains("500"))
        receiver.setFailing(false)
        let before = receiver.received.count
        let redelivered = try await client.events.redeliverDelivery(.init(id: failure.id))
        #expect(redelivered.status == .pending)
        _ = try await receiver.waitFor(before + 1)
        #expect(try await eventually { try await client.events.listDeliveries(.init(webhookId: webhook.id, status: .failed)).deliveries.isEmpty })
        #expect(await status { _ = try await client.events.redeliverDelivery(.init(id: 9999)) }?.code == .notFound)
        await client.close()
    }

    @Test("process callbacks: the process JSON is POSTed when it completes")
    func processCallback() async throws {
        let receiver = WebhookReceiver()
        try receiver.start()
        defer { receiver.stop() }
        try await withServer { server, client in
            _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
            _ = try await client.plugins.enablePlugin(.init(community: "c", name: "poll"))
            let process = try await client.processes.startProcess(.init(
                community: "c", plugin: "poll", process: "vote",
                parameters: .init(fields: ["title": .init(json: "T"), "options": .init(json: ["x", "y"])]),
                callbackUrl: receiver.url))
            #expect(process.callbackUrl == receiver.url)
            try await vote(client, process.id, "ann")
            _ = try await client.processes.closeProcess(.init(id: process.id))
            let posts = try await receiver.waitFor(2)
            let bodies = try posts.map { try JSONValue(parsing: $0.body) }
            // Deliveries are concurrent, so they may arrive in any order (updated_at and the event id tell).
            #expect(bodies.allSatisfy { $0["id"]?.intValue == Int(process.id) })
            let completed = try #require(bodies.first { $0["status"] == "completed" })
            #expect(completed["outcome"]?["winner"] == "x")
            #expect(bodies.contains { $0["status"] == "pending" && $0["outcome"]?["votes"]?["x"] == 1 })
            #expect(posts.allSatisfy { $0.headers["x-metagov-signature"] == nil })
        }
    }

    @Test("a delivery pending when the server stops is sent after it restarts")
    func deliveryAfterRestart() async throws {
        let receiver = WebhookReceiver()
        try receiver.start()
        defer { receiver.stop() }
        receiver.setFailing(true)
        let server = try ServerProcess()
        let config = try server.configFile(fastRetries.merging(["metagov.delivery.max_attempts": "1000"]) { $1 })
        try server.start(extraArguments: config)
        var client = try await server.client()
        let id = try await pollWithVote(client)
        let webhook = try await client.events.createWebhook(.init(community: "c", url: receiver.url, secret: "k"))
        try await vote(client, id, "ann")
        _ = try await receiver.waitFor(1)
        await client.close()
        #expect(server.stop() == 0)
        receiver.setFailing(false)
        let before = receiver.received.count
        try server.start(extraArguments: config)
        let after = try await receiver.waitFor(before + 1)
        #expect(after.count > before)
        let last = try #require(after.last)
        #expect(last.headers["x-metagov-signature"] == independentSignature(last.body, secret: "k"))
        client = try await server.client()
        #expect(try await eventually { try await client.events.listDeliveries(.init(webhookId: webhook.id)).deliveries.first?.status == .delivered })
        await client.close()
        #expect(server.stop() == 0)
    }

    @Test("webhook subscriptions can be listed, updated (lists emptied with update_fields) and deleted")
    func crud() async throws {
        try await withServer { _, client in
            _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
            let created = try await client.events.createWebhook(.init(
                community: "c", url: "http://127.0.0.1:9/a", eventTypes: ["a", "b"], plugins: ["poll"]))
            var updated = try await client.events.updateWebhook(.init(id: created.id, url: "http://127.0.0.1:9/b"))
            #expect(updated.url == "http://127.0.0.1:9/b" && updated.eventTypes == ["a", "b"])
            updated = try await client.events.updateWebhook(.init(id: created.id, updateFields: ["event_types"]))
            #expect(updated.eventTypes.isEmpty && updated.plugins == ["poll"])
            #expect(await status { _ = try await client.events.updateWebhook(.init(id: created.id, updateFields: ["colour"])) }?.code == .invalidArgument)
            #expect(try await client.events.listWebhooks(.init(community: "c")).webhooks.map(\.id) == [created.id])
            _ = try await client.events.deleteWebhook(.init(id: created.id))
            #expect(try await client.events.listWebhooks(.init(community: "c")).webhooks.isEmpty)
            #expect(await status { _ = try await client.events.deleteWebhook(.init(id: created.id)) }?.code == .notFound)
        }
    }
}
