import Foundation
import MetagovCore
import MetagovTestSupport
import Testing

@Suite struct JSONRoundTripTests {
    /// Every case of JSONValue, with numbers and strings at their edges.
    static let samples: [JSONValue] = [
        .null, .bool(true), .bool(false),
        .integer(0), .integer(-1), .integer(42), .integer(Int.max), .integer(Int.min), .integer(1 << 53 + 1),
        .number(2.0), .number(-0.5), .number(0.1), .number(1e300), .number(-1.5e-300), .number(.leastNonzeroMagnitude),
        .number(Double.greatestFiniteMagnitude), .number(123_456_789.123_456_79), .number(1e15), .number(-3.0e20),
        .string(""), .string("plain"), .string("quote \" backslash \\ slash /"), .string("line\nfeed\ttab\r"),
        .string("nul \u{0} bell \u{7} del \u{7F}"), .string("emoji 🗳️👩🏽‍⚖️"), .string("e\u{301}"), .string("\u{E9}"),
        .string("日本語"), .string("\u{2028}\u{2029}"),
        .array([]), .object([:]),
        .array([1, 2.5, nil, true, "s", [[]], ["k": [:]]]),
        .object(["": "empty key", "a.b": 1, "nested": ["deeper": ["x": [1, 2, 3]], "list": [["y": nil]]], "é": 2.0]),
    ]

    static var document: JSONValue {
        .object(JSONObject(samples.enumerated().map { ("k\($0.offset)", $0.element) }))
    }

    @Test(arguments: StoreBackend.available, samples) func pluginConfigAndState(_ backend: StoreBackend, _ value: JSONValue) async throws {
        let store = try backend.makeStore()
        _ = try await store.write { try $0.insertCommunity(slug: "c", readableName: "C") }
        let plugin = try await store.write { try $0.insertPlugin(community: "c", name: "p", communityPlatformID: nil, config: value) }
        _ = try await store.write { try $0.updatePluginState(pluginID: plugin.id, changes: ["v": value], expecting: StateExpectations()) }
        let config = try #require(try await store.read { try $0.plugin(id: plugin.id) }?.config)
        #expect(identical(config, value), "config \(config) != \(value)")
        let state = try await store.read { try $0.pluginState(pluginID: plugin.id) }
        #expect(identical(.object(JSONObject(state)), ["v": value]), "state \(state) != \(value)")
    }

    @Test(arguments: StoreBackend.available) func everyJSONColumn(_ backend: StoreBackend) async throws {
        let document = Self.document
        let store = try backend.makeStore()
        let seed = try await Seed(store)
        let process = try await store.write {
            try $0.insertProcess(
                pluginID: seed.plugin.id, name: "vote", status: .created, outcome: document, errors: document,
                state: ["doc": document], callbackURL: nil)
        }
        let event = NewEvent(community: "c", source: "p", pluginID: seed.plugin.id, eventType: "e", data: document, initiator: document)
        let id = try await store.write { writer in
            _ = try writer.appendEvents([event])
            let id = try writer.createMetagovIDs(community: "c", count: 1)[0].externalID
            try writer.upsertLinkedAccount(writer.account(id, "U1", data: document))
            return id
        }
        try await store.read { reader throws in
            let storedProcess = try #require(try reader.process(id: process.id))
            #expect(identical(storedProcess.outcome ?? .null, document))
            #expect(identical(storedProcess.errors ?? .null, document))
            #expect(identical(.object(JSONObject(storedProcess.state)), ["doc": document]))
            let storedEvent = try #require(try reader.events(matching: EventFilter(), afterCursor: 0, limit: 1).first)
            #expect(identical(storedEvent.data, document))
            #expect(identical(storedEvent.initiator, document))
            let account = try #require(try reader.linkedAccounts(externalIDs: [id]).first)
            #expect(identical(account.customData, document))
        }
    }

    @Test(arguments: StoreBackend.available) func integersStayIntegersAndNumbersStayNumbers(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let seed = try await Seed(store)
        _ = try await store.write { try $0.updatePluginState(pluginID: seed.plugin.id, changes: ["i": 2, "n": 2.0], expecting: StateExpectations()) }
        let state = try await store.read { try $0.pluginState(pluginID: seed.plugin.id) }
        guard case .integer(2) = state["i"] else { Issue.record("i is \(String(describing: state["i"]))"); return }
        guard case .number(2.0) = state["n"] else { Issue.record("n is \(String(describing: state["n"]))"); return }
    }
}
