import Foundation

/// A governance process as a hook sees it: reads and writes go to a working copy that is saved when the
/// hook returns successfully.
public final class ProcessHandle: Sendable {
    private let working: Locked<GovernanceProcess>
    /// The process as it was loaded.
    let original: GovernanceProcess

    init(_ process: GovernanceProcess) {
        original = process
        working = Locked(process)
    }

    public var id: Int64 { original.id }
    public var name: String { original.name }
    public var callbackURL: String? { original.callbackURL }
    public var createdAt: Date { original.createdAt }

    public var status: ProcessStatus {
        get { working.value.status }
        set { working.withLock { $0.status = newValue } }
    }

    public var outcome: JSONValue? {
        get { working.value.outcome }
        set { working.withLock { $0.outcome = newValue } }
    }

    public var errors: JSONValue? {
        get { working.value.errors }
        set { working.withLock { $0.errors = newValue } }
    }

    /// Where people take part in the process on its platform (Metagov's `url`); `nil` when unknown.
    public var url: String? {
        get { working.value.url }
        set { working.withLock { $0.url = newValue } }
    }

    /// The process's private state value for `key`.
    public func state(_ key: String) -> JSONValue? { working.value.state[key] }

    /// Sets (or, with `nil`, removes) a private state value.
    public func setState(_ key: String, _ value: JSONValue?) {
        working.withLock { $0.state[key] = value }
    }

    /// The whole private state.
    public var allState: [String: JSONValue] { working.value.state }

    /// The working copy.
    var current: GovernanceProcess { working.value }

    /// Whether the hook changed anything.
    var isModified: Bool { current != original }
}

/// What a process hook works with: its plugin instance's context and the process itself.
public struct ProcessContext: Sendable {
    public let plugin: PluginContext
    public let process: ProcessHandle

    public init(plugin: PluginContext, process: ProcessHandle) {
        self.plugin = plugin
        self.process = process
    }

    /// The plugin instance's configuration.
    public var config: JSONValue { plugin.config }

    /// The current time from the core's clock.
    public func now() -> Date { plugin.now() }
}
