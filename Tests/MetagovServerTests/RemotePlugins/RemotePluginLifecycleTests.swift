import AsyncHTTPClient
import Foundation
import MetagovClient
import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON
import NIOCore
import Testing

/// POSTs `body` over HTTP/1.1; returns the status and the body of the answer.
func postWebhook(_ url: String, _ body: String, headers: [(String, String)]) async throws -> (Int, String) {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "content-type", value: "application/json")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(string: body))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let data = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: data))
}

/// A token of `scope` made with the admin CLI on the server's database.
func createToken(_ server: ServerProcess, scope: String) throws -> String {
    let output = try server.admin(["token", "create", "--scope", scope])
    guard let token = try JSONValue(parsing: Array(output.utf8))["token"]?.stringValue else {
        throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "no token in: \(output)"])
    }
    return token
}

@Suite("plugins out of process: a Metagov-style plugin in a real Python plugin host, driven through the API")
struct RemotePluginLifecycleTests {
    private static func townhallConfig(_ forum: ForumStandIn) -> Google_Protobuf_Struct {
        Google_Protobuf_Struct(fields: [
            "api_url": .string(forum.url), "api_key": .string(ForumStandIn.apiKey), "forum_id": "forum-1",
            "webhook_secret": "s3cret", "moderators": ["ann"],
        ])
    }

    @Test("enable, actions, periodic events, a process through webhooks, the scheduler, WatchProcess, callbacks, linked accounts")
    func townhall() async throws {
        let server = try ServerProcess()
        try server.start(authentication: true)
        defer { server.stop() }
        let forum = ForumStandIn()
        try forum.start()
        defer { forum.stop() }
        let receiver = WebhookReceiver()
        try receiver.start()
        defer { receiver.stop() }
        let host = try PluginHostProcess(
            port: server.port, token: try createToken(server, scope: "plugin-host:townhall,ledger"),
            plugins: [PluginHostProcess.testPlugins])
        defer { host.stop() }
        try await host.waitRegistered()
        let client = try await server.client(token: try server.adminToken(), timeout: remoteCallTimeout)

        // The type as drivers see it.
        let types = try await client.plugins.listPluginTypes(.init()).types
        let townhall = try #require(types.first { $0.name == "townhall" })
        #expect(townhall.actions.map(\.slug) == ["add-moderator", "moderator-count", "post-message"])
        #expect(townhall.processes.map(\.name) == ["vote"] && townhall.processes.first?.canClose == true)
        #expect(townhall.authType == "api_key" && townhall.communityPlatformIdKey == "forum_id")
        #expect(townhall.eventTypes == ["member_joined"])
        #expect(types.contains { $0.name == "ledger" } && types.contains { $0.name == "randomness" })

        // Enable: the config is validated against the plugin's schema, defaults filled in; initialize ran.
        _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
        let invalid = await status {
            _ = try await client.plugins.enablePlugin(.init(community: "c", name: "townhall", config: .init(fields: ["api_url": "x"])))
        }
        #expect(invalid?.code == .invalidArgument && invalid?.message.hasPrefix("Validation error") == true)
        let instance = try await client.plugins.enablePlugin(.init(community: "c", name: "townhall", config: Self.townhallConfig(forum)))
        #expect(instance.communityPlatformId == "forum-1")
        var events = client.events.subscribe(.init(community: "c")).makeAsyncIterator()

        // Actions: the plugin calls its platform; a public action needs no token.
        let posted = try await client.actions.performAction(.init(
            community: "c", plugin: "townhall", action: "post-message", parameters: .init(fields: ["text": "hello"])))
        #expect(posted.result?.json == ["id": 1, "url": .string("\(forum.url)/m/1")])
        #expect(forum.received.first { $0.method == "POST" && $0.path == "/messages" }?.body == ["text": "hello", "topic": "general"])
        let anonymous = try await server.client(timeout: remoteCallTimeout)
        let count = try await anonymous.actions.performAction(.init(community: "c", plugin: "townhall", action: "moderator-count"))
        #expect(count.result?.json == ["value": 1])
        await anonymous.close()
        let moderators = try await client.actions.performAction(.init(
            community: "c", plugin: "townhall", action: "add-moderator", parameters: .init(fields: ["username": "bob"])))
        #expect(moderators.result?.json == ["moderators": ["ann", "bob"]])

        // The periodic task polls the forum; Subscribe sees what it sends to drivers.
        forum.addMessage(author: "zoe", text: "anyone?")
        var polled: [Metagov_V1_Event] = []
        while polled.count < 2, let event = try await events.next() {
            if event.eventType == "message_posted" { polled.append(event) }
        }
        #expect(polled.map { $0.initiator?.json["user_id"] } == ["bot", "zoe"])
        #expect(polled.allSatisfy { $0.source == "townhall" && $0.community == "c" })

        // A process: started on the platform, votes arrive as signed webhooks, closes at its quorum.
        let vote = try await client.processes.startProcess(.init(
            community: "c", plugin: "townhall", process: "vote",
            parameters: .init(fields: ["title": "Lunch?", "options": ["pizza", "soup"], "quorum": 2]), callbackUrl: receiver.url))
        #expect(vote.status == .pending && vote.url == "\(forum.url)/polls/1")
        var watch = client.processes.watchProcess(.init(id: vote.id)).makeAsyncIterator()
        #expect(try await watch.next()?.status == .pending)
        let hook = "http://127.0.0.1:\(server.port)/api/hooks/c/townhall"
        func castVote(_ voter: String, signature: String? = nil) async throws -> (Int, String) {
            let body = #"{"poll_id": "poll-1", "voter": "\#(voter)", "option": "pizza"}"#
            return try await postWebhook(hook, body, headers: [
                ("X-Townhall-Event", "vote_cast"),
                ("X-Townhall-Signature", signature ?? independentSignature(Array(body.utf8), secret: "s3cret")),
            ])
        }
        let forged = try await castVote("mallory", signature: "sha256=00")
        #expect(forged.0 == 401)
        let (code, answer) = try await castVote("ann")
        #expect(code == 200 && answer == #"{"received":null}"#)
        #expect(try await watch.next()?.outcome?.json["votes"] == ["pizza": 1, "soup": 0])
        _ = try await castVote("bob")
        var last = try #require(try await watch.next())
        while let next = try await watch.next() { last = next }
        #expect(last.status == .completed && last.outcome?.json["winner"] == "pizza")
        #expect(forum.received.contains { $0.path == "/polls/poll-1/close" })
        // One callback per outcome change (the first vote's may come first), then the one of the completion.
        #expect(await eventually(timeout: remoteCallTimeout) {
            receiver.received.contains { (try? JSONValue(parsing: $0.body))?["status"] == "completed" }
        })
        let closeAgain = await status { _ = try await client.processes.closeProcess(.init(id: vote.id)) }
        #expect(closeAgain?.code == .failedPrecondition)

        // The scheduler's update() closes a vote past its closing date.
        let expired = try await client.processes.startProcess(.init(
            community: "c", plugin: "townhall", process: "vote",
            parameters: .init(fields: ["title": "Old", "options": ["a", "b"], "closing_at": "2020-01-01"])))
        #expect(try await eventually(timeout: remoteCallTimeout) { try await client.processes.getProcess(.init(id: expired.id)).status == .completed })

        // A member joining links their account and reaches drivers as an event.
        let joined = #"{"member": {"username": "carol", "name": "Carol"}}"#
        let (joinedCode, _) = try await postWebhook(hook, joined, headers: [
            ("X-Townhall-Event", "member_joined"), ("X-Townhall-Signature", independentSignature(Array(joined.utf8), secret: "s3cret")),
        ])
        #expect(joinedCode == 200)
        var memberEvent: Metagov_V1_Event?
        while memberEvent == nil, let event = try await events.next() {
            if event.eventType == "member_joined" { memberEvent = event }
        }
        #expect(memberEvent?.data?.json == ["username": "carol", "name": "Carol"])
        let users = try await client.identity.getUsers(.init(community: "c", platformType: "townhall"))
        #expect(users.users.flatMap(\.linkedAccounts).map(\.platformIdentifier) == ["carol"])
        #expect(users.users.first?.linkedAccounts.first?.linkQuality == "confirmed_by_user")
        #expect(users.users.first?.linkedAccounts.first?.communityPlatformId == "forum-1")
        await client.close()
    }
}
