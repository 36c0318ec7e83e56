import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct PersistenceTests {
    @Test func everythingSurvivesReopening() async throws {
        let database = try TemporaryDatabase()
        var processID: Int64 = 0
        var externalID: Int64 = 0
        do {
            let core = try makeCore(database: database)
            _ = try await core.communities.create(slug: "c", readableName: "Persistent")
            _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
            _ = try await core.actions.perform(community: "c", plugin: "widget", action: "bump")
            processID = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q"]).id
            externalID = try #require(try await core.identity.createIDs(community: "c").first)
            try await core.identity.linkAccount(LinkedAccount(
                externalID: externalID, community: "c", platformType: "slack", platformIdentifier: "U1",
                communityPlatformID: "T1", customData: ["a": [1, 2.5, "x", nil, true]], linkType: .oauth, linkQuality: .weakConfirm))
        }
        let core = try makeCore(database: database)
        #expect(try await core.communities.get("c").readableName == "Persistent")
        let instance = try await core.plugins.get(community: "c", name: "widget")
        #expect(instance.config == ["token": "t", "color": "blue"])
        #expect(try await core.plugins.state(pluginID: instance.id) == ["initialized": true, "count": 1, "started": true])
        let process = try await core.processes.get(processID)
        #expect(process.status == .pending)
        #expect(process.state == ["question": "q"])
        #expect(try await core.events.list().count == 2)
        let account = try await core.identity.getLinkedAccount(community: "c", externalID: externalID, platformType: "slack")
        #expect(account.customData == ["a": [1, 2.5, "x", nil, true]])
        #expect(account.communityPlatformID == "T1")
        #expect(account.linkQuality == .weakConfirm)
        _ = try await core.processes.close(processID)
        await #expect(try makeCore(database: database).processes.get(processID).status == .completed)
    }
}
