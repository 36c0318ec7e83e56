import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct WebhookTests {
    @Test func receiverAndPendingProcessesGetTheWebhook() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        let instance = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        let target = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "a"])
        let bystander = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "b"])
        let body = Array(#"{"decide": \#(target.id)}"#.utf8)
        let delivery = try await core.webhooks.deliver(
            community: "c", plugin: "widget", request: WebhookRequest(headers: [("Content-Type", "application/json")], body: body))
        #expect(delivery.receiverRan)
        #expect(delivery.processIDs == [target.id, bystander.id])
        #expect(try await core.plugins.state(pluginID: instance.id)["last_webhook"] == ["decide": .integer(Int(target.id))])
        #expect(try await core.processes.get(target.id).outcome == ["decided": "by webhook"])
        #expect(try await core.processes.get(bystander.id).status == .pending)
    }

    @Test func failuresAndUnknownTargets() async throws {
        let core = try makeCore()
        _ = try await core.communities.create(slug: "c", readableName: "C")
        let notEnabled = await metagovError { _ = try await core.webhooks.deliver(community: "c", plugin: "widget", request: WebhookRequest()) }
        #expect(notEnabled?.code == .failedPrecondition)
        let instance = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        let rejected = await metagovError {
            _ = try await core.webhooks.deliver(community: "c", plugin: "widget", request: WebhookRequest(headers: [("x-fail", "1")], body: Array("raw".utf8)))
        }
        #expect(rejected?.code == .invalidArgument)
        #expect(try await core.plugins.state(pluginID: instance.id)["last_webhook"] == nil)
        #expect(await metagovError { _ = try await core.webhooks.deliver(community: "zz", plugin: "widget", request: WebhookRequest()) }?.code == .notFound)
        #expect(await metagovError { _ = try await core.webhooks.deliver(community: "c", plugin: "nope", request: WebhookRequest()) }?.code == .notFound)
    }
}
