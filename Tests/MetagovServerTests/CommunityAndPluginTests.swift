import MetagovClient
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import Testing

@Suite("metagovd serve: communities, plugins, actions")
struct CommunityAndPluginTests {
    @Test("community create, get, update, list with pages, delete, and their failures")
    func communities() async throws {
        try await withServer { _, client in
            let created = try await client.communities.createCommunity(.init(slug: "climate", readableName: "Climate"))
            #expect(created.slug == "climate")
            #expect(created.createdAt != nil)
            let duplicate = await status { _ = try await client.communities.createCommunity(.init(slug: "climate", readableName: "x")) }
            #expect(duplicate?.code == .alreadyExists)
            #expect(duplicate?.message.contains("climate") == true)
            let missing = await status { _ = try await client.communities.getCommunity(.init(slug: "nope")) }
            #expect(missing?.code == .notFound)
            #expect(missing?.message.contains("nope") == true)
            let renamed = try await client.communities.updateCommunity(.init(slug: "climate", readableName: "Climate Action"))
            #expect(renamed.readableName == "Climate Action")
            for index in 0..<4 { _ = try await client.communities.createCommunity(.init(slug: "c\(index)", readableName: "C")) }
            var slugs: [String] = []
            var token = ""
            repeat {
                let page = try await client.communities.listCommunities(.init(pageSize: 2, pageToken: token))
                #expect(page.communities.count <= 2)
                slugs += page.communities.map(\.slug)
                token = page.nextPageToken
            } while !token.isEmpty
            #expect(Set(slugs) == ["climate", "c0", "c1", "c2", "c3"])
            #expect(slugs.count == 5)
            let negative = await status { _ = try await client.communities.listCommunities(.init(pageSize: -1)) }
            #expect(negative?.code == .invalidArgument)
            let deleted = try await client.communities.deleteCommunity(.init(slug: "c0"))
            #expect(deleted.community?.slug == "c0")
            #expect(await status { _ = try await client.communities.getCommunity(.init(slug: "c0")) }?.code == .notFound)
            // A page is encoded once and kept with the server's cached page: every change shows in the next listing.
            func listed() async throws -> [String: Metagov_V1_Community] {
                let page = try await client.communities.listCommunities(.init(pageSize: 50))
                return Dictionary(uniqueKeysWithValues: page.communities.map { ($0.slug, $0) })
            }
            #expect(try await listed()["c1"]?.readableName == "C")
            #expect(try await listed()["c1"]?.readableName == "C")
            #expect(try await listed()["c0"] == nil)
            _ = try await client.communities.updateCommunity(.init(slug: "c1", readableName: "C one"))
            #expect(try await listed()["c1"]?.readableName == "C one")
            _ = try await client.plugins.enablePlugin(
                .init(community: "c1", name: "randomness", config: .init(fields: ["default_low": .init(json: 1), "default_high": .init(json: 7)])))
            #expect(try await listed()["c1"]?.plugins.map(\.name) == ["randomness"])
            _ = try await client.communities.createCommunity(.init(slug: "c4", readableName: "C"))
            #expect(try await listed().keys.sorted() == ["c1", "c2", "c3", "c4", "climate"])
        }
    }

    @Test("plugin types, enable with schema validation, list, disable")
    func plugins() async throws {
        try await withServer { _, client in
            let types = try await client.plugins.listPluginTypes(.init())
            let randomness = try #require(types.types.first { $0.name == "randomness" })
            #expect(randomness.actions.contains { $0.slug == "random-int" })
            #expect(randomness.configSchema?.fields["type"] == .init(kind: .stringValue("object")))
            _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
            let invalid = await status {
                _ = try await client.plugins.enablePlugin(
                    .init(community: "c", name: "randomness", config: .init(fields: ["default_low": .init(json: "x")])))
            }
            #expect(invalid?.code == .invalidArgument)
            #expect(invalid?.message.hasPrefix("Validation error") == true)
            #expect(invalid?.message.contains("/default_low") == true)
            let unknownType = await status { _ = try await client.plugins.enablePlugin(.init(community: "c", name: "nope")) }
            #expect(unknownType?.code == .notFound)
            #expect(unknownType?.message.contains("nope") == true)
            let unknownCommunity = await status { _ = try await client.plugins.enablePlugin(.init(community: "x", name: "poll")) }
            #expect(unknownCommunity?.code == .notFound)
            let instance = try await client.plugins.enablePlugin(
                .init(community: "c", name: "randomness", config: .init(fields: ["default_low": .init(json: 1), "default_high": .init(json: 7)])))
            #expect(instance.id > 0)
            #expect(instance.config?.json["default_high"] == 7)
            #expect(try await client.plugins.listPlugins(.init(community: "c")).plugins.map(\.name) == ["randomness"])
            let community = try await client.communities.getCommunity(.init(slug: "c"))
            #expect(community.plugins.map(\.id) == [instance.id])
            let disabled = try await client.plugins.disablePlugin(.init(community: "c", name: "randomness"))
            #expect(disabled.plugin?.id == instance.id)
            #expect(try await client.plugins.listPlugins(.init(community: "c")).plugins.isEmpty)
        }
    }

    @Test("perform action: result, validation, not enabled, unknown action, plugin input errors")
    func actions() async throws {
        try await withServer { _, client in
            _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
            let notEnabled = await status {
                _ = try await client.actions.performAction(.init(community: "c", plugin: "randomness", action: "random-int"))
            }
            #expect(notEnabled?.code == .failedPrecondition)
            _ = try await client.plugins.enablePlugin(
                .init(community: "c", name: "randomness", config: .init(fields: ["default_low": .init(json: 1), "default_high": .init(json: 7)])))
            for _ in 0..<20 {
                let response = try await client.actions.performAction(
                    .init(community: "c", plugin: "randomness", action: "random-int",
                          parameters: .init(fields: ["low": .init(json: 10), "high": .init(json: 12)])))
                let value = try #require(response.result?.json["value"]?.intValue)
                #expect((10..<12).contains(value))
            }
            let lucky = try await client.actions.performAction(
                .init(community: "c", plugin: "randomness", action: "set-lucky-number",
                      parameters: .init(fields: ["lucky_number": .init(json: 42)])))
            #expect(lucky.result?.json["lucky_number"] == 42)
            let invalid = await status {
                _ = try await client.actions.performAction(
                    .init(community: "c", plugin: "randomness", action: "set-lucky-number",
                          parameters: .init(fields: ["lucky_number": .init(json: "many")])))
            }
            #expect(invalid?.code == .invalidArgument)
            #expect(invalid?.message.hasPrefix("Validation error") == true)
            #expect(invalid?.message.contains("/lucky_number") == true)
            let unknown = await status {
                _ = try await client.actions.performAction(.init(community: "c", plugin: "randomness", action: "fly"))
            }
            #expect(unknown?.code == .notFound)
            #expect(unknown?.message.contains("randomness.fly") == true)
            let unknownPlugin = await status {
                _ = try await client.actions.performAction(.init(community: "c", plugin: "nope", action: "x"))
            }
            #expect(unknownPlugin?.code == .notFound)
        }
    }
}
