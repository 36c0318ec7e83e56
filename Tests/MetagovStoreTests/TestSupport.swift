import Foundation
import MetagovCore

/// A community "c" with one plugin "p" (no platform id).
struct Seed {
    let community: Community
    let plugin: PluginInstance

    init(_ store: any Store, slug: String = "c", plugin name: String = "p") async throws {
        (community, plugin) = try await store.write { writer in
            let community = try writer.insertCommunity(slug: slug, readableName: slug.uppercased())
            let plugin = try writer.insertPlugin(community: slug, name: name, communityPlatformID: nil, config: ["a": 1])
            return (community, plugin)
        }
    }

    func event(_ type: String = "e", source: String? = nil, data: JSONValue = [:]) -> NewEvent {
        NewEvent(
            community: community.slug, source: source ?? plugin.name, pluginID: plugin.id, eventType: type, data: data,
            initiator: ["user_id": "u1", "provider": "slack"])
    }
}

extension StoreWriter {
    func insertProcess(pluginID: Int64, name: String = "vote", status: ProcessStatus = .created) throws -> GovernanceProcess {
        try insertProcess(pluginID: pluginID, name: name, status: status, outcome: nil, errors: nil, state: [:], callbackURL: nil)
    }

    func account(
        _ externalID: Int64, _ identifier: String, type: String = "slack", platformID: String? = nil,
        quality: LinkQuality = .unconfirmed, community: String = "c", data: JSONValue = [:]
    ) -> LinkedAccount {
        LinkedAccount(
            externalID: externalID, community: community, platformType: type, platformIdentifier: identifier,
            communityPlatformID: platformID, customData: data, linkType: .oauth, linkQuality: quality)
    }
}

/// Structural equality: unlike `==`, `.integer(1)` and `.number(1.0)` differ, and so do object key sets.
func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case let (.bool(x), .bool(y)): return x == y
    case let (.integer(x), .integer(y)): return x == y
    case let (.number(x), .number(y)): return x.bitPattern == y.bitPattern || (x == y && x != 0)
    case let (.string(x), .string(y)): return x.unicodeScalars.elementsEqual(y.unicodeScalars)
    case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy(identical)
    case let (.object(x), .object(y)):
        return x.count == y.count && x.allSatisfy { key, value in y[key].map { identical(value, $0) } ?? false }
    default: return false
    }
}

struct Boom: Error {}

/// Queues `units` on `store` one after another while an earlier write holds the writer, so that they are performed
/// as one batch, in this order; returns what each returned (`nil`: it failed).
func performedAsOneBatch<T: Sendable>(
    _ store: any Store, _ units: [@Sendable (any StoreWriter) throws -> T]
) async throws -> [T?] {
    let blocker = Task { try await store.write { _ in Thread.sleep(forTimeInterval: 0.5) } }
    try await Task.sleep(for: .milliseconds(100))
    var tasks: [Task<T?, Never>] = []
    for unit in units {
        let (queued, signal) = AsyncStream<Void>.makeStream()
        tasks.append(Task { try? await store.write(unit, whenQueued: { signal.yield() }) })
        for await _ in queued { break }  // queued before the next one is
    }
    try await blocker.value
    var results: [T?] = []
    for task in tasks { results.append(await task.value) }
    return results
}
