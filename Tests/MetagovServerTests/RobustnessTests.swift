import Foundation
import MetagovClient
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import Testing

@Suite("metagovd serve: protocol robustness, health, reflection, restart")
struct RobustnessTests {
    @Test("malformed, oversized and unknown calls get clean statuses; the server answers the next call")
    func badCalls() async throws {
        try await withServer { server, client in
            let raw = try await server.rawConnection()
            let malformed = await status { _ = try await raw.unary(Metagov_V1_Communities.Method.getCommunity, [0x0a, 0xff, 0x01]) }
            #expect(malformed?.code == .invalidArgument)
            #expect(malformed?.message.contains("metagov.v1.GetCommunityRequest") == true)
            // PerformActionRequest.parameters = Struct{"k": Value nested 10,000 lists deep}.
            var value: [UInt8] = []
            for _ in 0..<5000 {
                value = [0x0a] + varint(value.count) + value  // ListValue.values
                value = [0x32] + varint(value.count) + value  // Value.list_value
            }
            let entry: [UInt8] = [0x0a, 0x01, 0x6b, 0x12] + varint(value.count) + value
            let parameters: [UInt8] = [0x0a] + varint(entry.count) + entry
            let deep: [UInt8] = [0x22] + varint(parameters.count) + parameters
            let tooDeep = await status { _ = try await raw.unary(Metagov_V1_Actions.Method.performAction, deep) }
            #expect(tooDeep?.code == .invalidArgument)
            #expect(tooDeep?.message.contains("nested deeper") == true)
            let unknown = await status { _ = try await raw.unary("/metagov.v1.Communities/Explode", []) }
            #expect(unknown?.code == .unimplemented)
            let big = String(repeating: "x", count: 5 << 20)
            let oversized = await status {
                _ = try await client.communities.createCommunity(.init(slug: "big", readableName: big))
            }
            #expect(oversized?.code == .resourceExhausted)
            let large = String(repeating: "y", count: 3 << 20)
            _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
            _ = try await client.plugins.enablePlugin(.init(community: "c", name: "poll"))
            let largeParameters = await status {
                _ = try await client.processes.startProcess(.init(
                    community: "c", plugin: "poll", process: "vote",
                    parameters: .init(fields: ["title": .init(json: .string(large)), "options": .init(json: ["a", "b"])])))
            }
            #expect(largeParameters == nil)
            #expect(try await client.health.check(.init()).status == .serving)
            await raw.close()
        }
    }

    @Test("deadlines end streams with DEADLINE_EXCEEDED; cancelled streams leave the server usable")
    func deadlinesAndCancellation() async throws {
        try await withServer { _, client in
            var options = GRPCCallOptions()
            options.timeout = .milliseconds(200)
            let expired = await status { for try await _ in client.events.subscribe(.init(), options: options) {} }
            #expect(expired?.code == .deadlineExceeded)
            for _ in 0..<20 {
                let task = Task { for try await _ in client.events.subscribe(.init()) {} }
                try await Task.sleep(for: .milliseconds(5))
                task.cancel()
                _ = await task.result
            }
            #expect(try await client.health.check(.init()).status == .serving)
        }
    }

    @Test("health: Check per service, NOT_FOUND for unknown ones; reflection v1 and v1alpha list the services")
    func healthAndReflection() async throws {
        try await withServer { server, client in
            #expect(try await client.health.check(.init(service: "metagov.v1.Communities")).status == .serving)
            let unknown = await status { _ = try await client.health.check(.init(service: "nope.Service")) }
            #expect(unknown?.code == .notFound)
            let raw = try await server.rawConnection()
            let v1 = Grpc_Reflection_V1_ServerReflectionClient(connection: raw)
            let responses = v1.serverReflectionInfo { writer in
                try await writer.write(.init(messageRequest: .listServices("")))
                try await writer.write(.init(messageRequest: .fileContainingSymbol("metagov.v1.Communities")))
                try await writer.write(.init(messageRequest: .fileByFilename("nope.proto")))
            }
            var answers: [Grpc_Reflection_V1_ServerReflectionResponse] = []
            for try await response in responses { answers.append(response) }
            #expect(answers.count == 3)
            guard case .listServicesResponse(let list)? = answers.first?.messageResponse else {
                Issue.record("expected a service list")
                return
            }
            let names = Set(list.service.map(\.name))
            #expect(names.isSuperset(of: [
                "metagov.v1.Communities", "metagov.v1.Plugins", "metagov.v1.Actions", "metagov.v1.Processes",
                "metagov.v1.Events", "metagov.v1.Identity", "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
            ]))
            guard case .fileDescriptorResponse(let files)? = answers[1].messageResponse else {
                Issue.record("expected file descriptors")
                return
            }
            #expect(files.fileDescriptorProto.count >= 3)  // communities.proto, common.proto, struct/timestamp
            guard case .errorResponse(let error)? = answers[2].messageResponse else {
                Issue.record("expected an error response")
                return
            }
            #expect(error.errorCode == 5)
            let alpha = Grpc_Reflection_V1alpha_ServerReflectionClient(connection: raw)
            var alphaAnswers = 0
            for try await response in alpha.serverReflectionInfo(requests: { try await $0.write(.init(messageRequest: .listServices(""))) }) {
                if case .listServicesResponse(let list)? = response.messageResponse {
                    #expect(list.service.count == names.count)
                    alphaAnswers += 1
                }
            }
            #expect(alphaAnswers == 1)
            await raw.close()
        }
    }

    @Test("a restart on the same database keeps every community, plugin, process and event; SIGTERM exits 0")
    func restartKeepsData() async throws {
        let server = try ServerProcess()
        try server.start()
        var client = try await server.client()
        _ = try await client.communities.createCommunity(.init(slug: "c", readableName: "C"))
        _ = try await client.plugins.enablePlugin(.init(community: "c", name: "poll"))
        let vote = try await client.processes.startProcess(.init(
            community: "c", plugin: "poll", process: "vote",
            parameters: .init(fields: ["title": .init(json: "T"), "options": .init(json: ["a", "b"])])))
        _ = try await client.actions.performAction(.init(
            community: "c", plugin: "poll", action: "cast-vote",
            parameters: .init(fields: ["process_id": .init(json: .integer(Int(vote.id))), "voter": .init(json: "v"), "option": .init(json: "a")])))
        var before = client.events.subscribe(.init()).makeAsyncIterator()
        let event = try #require(try await before.next())
        await client.close()
        #expect(server.stop() == 0)

        try server.start()
        client = try await server.client()
        #expect(try await client.communities.getCommunity(.init(slug: "c")).plugins.map(\.name) == ["poll"])
        let process = try await client.processes.getProcess(.init(id: vote.id))
        #expect(process.status == .pending)
        #expect(process.outcome?.json["voter_count"] == 1)
        var after = client.events.subscribe(.init()).makeAsyncIterator()
        #expect(try await after.next() == event)
        await client.close()
        #expect(server.stop() == 0)
    }
}

func varint(_ value: Int) -> [UInt8] {
    var value = UInt64(value)
    var out: [UInt8] = []
    while value >= 0x80 {
        out.append(UInt8(value & 0x7f) | 0x80)
        value >>= 7
    }
    out.append(UInt8(value))
    return out
}
