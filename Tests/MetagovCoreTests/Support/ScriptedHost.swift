import Foundation
import MetagovCore
import MetagovTestSupport

/// A plugin host inside the test: connected to the core through its own link, it answers each invocation
/// with what `answer` returns (`nil`: no answer, the test answers later with ``answer(_:_:)`` or never).
final class ScriptedHost: PluginHostLink, @unchecked Sendable {
    typealias Answer = @Sendable (UInt64, RemoteInvocation) async -> RemoteOutcome?

    private let lock = NSLock()
    private var received: [(id: UInt64, invocation: RemoteInvocation)] = []
    private var inFlight = 0
    private var mostInFlight = 0
    private var connected: PluginHostSession?
    private let answerer: Answer

    init(_ answer: @escaping Answer) {
        self.answerer = answer
    }

    /// Connects to `core` serving `definitions`.
    @discardableResult
    func connect(
        _ core: Metagov, _ definitions: [RemotePluginTypeDefinition], maxInFlight: Int = 8, name: String = "scripted"
    ) async throws -> PluginHostSession {
        let session = try await core.pluginHosts.connect(
            hostName: name, definitions: definitions, maxInFlight: maxInFlight, allowedTypes: nil, link: self)
        lock.withLock { connected = session }
        return session
    }

    var session: PluginHostSession? { lock.withLock { connected } }

    /// Every invocation received, in order.
    var invocations: [RemoteInvocation] { lock.withLock { received.map(\.invocation) } }

    /// The ids of the invocations received, in order.
    var ids: [UInt64] { lock.withLock { received.map(\.id) } }

    /// The most invocations this host had unanswered at once (answers it gave through `answer`).
    var peakInFlight: Int { lock.withLock { mostInFlight } }

    func send(id: UInt64, _ invocation: RemoteInvocation, deadlineMilliseconds: UInt64) async throws {
        lock.withLock {
            received.append((id, invocation))
            inFlight += 1
            mostInFlight = max(mostInFlight, inFlight)
        }
        Task {
            guard let outcome = await self.answerer(id, invocation) else { return }
            self.answer(id, outcome)
        }
    }

    /// Answers invocation `id`; whether the gateway still waited for it.
    @discardableResult
    func answer(_ id: UInt64, _ outcome: RemoteOutcome) -> Bool {
        let session = lock.withLock { () -> PluginHostSession? in
            inFlight -= 1
            return connected
        }
        return session?.received(id, outcome) ?? false
    }
}

/// A result with effects built in place.
func returned(_ value: JSONValue = .null, _ build: (inout RemoteEffects) -> Void = { _ in }) -> RemoteOutcome {
    var effects = RemoteEffects()
    build(&effects)
    return .returned(value, effects)
}

/// A definition of a remote type named `name` with an action `bump` and a process `vote`, customisable.
func remoteDefinition(
    _ name: String = "counter", _ customise: (inout RemotePluginTypeDefinition) -> Void = { _ in }
) -> RemotePluginTypeDefinition {
    var definition = RemotePluginTypeDefinition(
        name: name, description: "Counts", configSchema: ["type": "object", "properties": ["step": ["type": "integer", "default": 1]]],
        authType: .none, communityPlatformIDKey: nil,
        actions: [
            .init(slug: "bump", description: "Adds one", inputSchema: ["type": "object", "properties": ["by": ["type": "integer", "default": 1]]],
                  outputSchema: nil, isPublic: false),
        ],
        processes: [
            .init(name: "vote", description: "A vote", inputSchema: nil, outcomeSchema: nil, hasClose: true, hasUpdate: true,
                  hasReceiveWebhook: true),
        ],
        eventTypes: [.init(eventType: "bumped", schema: nil)], acceptsUndeclaredEventTypes: false, hasInitialize: false,
        hasWebhookReceiver: true, hasSignatureVerifier: false, periodicTasks: [])
    customise(&definition)
    return definition
}

/// A core with the widget extension, a community `c`, and the given raw configuration (on a store opened on
/// `database`, when given).
func remoteCore(_ raw: [String: String] = [:], database: TestDatabase? = nil) async throws -> Metagov {
    // A generous invocation timeout unless the test sets one: on a busy machine the test's own tasks may wait
    // long for a thread (tests about deadlines set theirs).
    let raw = [CoreConfig.pluginHostInvocationTimeout: "300"].merging(raw) { _, given in given }
    let core = try makeCore(database: database, raw: raw)
    if try await core.communities.list().items.isEmpty {
        _ = try await core.communities.create(slug: "c", readableName: "C")
    }
    return core
}
