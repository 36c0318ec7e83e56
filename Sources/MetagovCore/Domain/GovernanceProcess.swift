import Foundation

/// Lifecycle of a governance process: created → pending → completed.
public enum ProcessStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case created
    case pending
    case completed
}

/// One run of a governance process type (a vote, a decision) of a plugin instance.
public struct GovernanceProcess: Sendable, Hashable {
    /// Store-assigned identifier.
    public var id: Int64
    /// Identifier of the plugin instance that runs this process.
    public var pluginID: Int64
    /// Slug of the owning community.
    public var community: String
    /// Name of the plugin type.
    public var plugin: String
    /// Name of the process type within the plugin (e.g. `vote`).
    public var name: String
    public var status: ProcessStatus
    /// Outcome reported to drivers (JSON object), `nil` until the plugin sets one.
    public var outcome: JSONValue?
    /// Errors reported to drivers (JSON object), `nil` when none.
    public var errors: JSONValue?
    /// The plugin's private persistent state for this process.
    public var state: [String: JSONValue]
    /// URL notified when the process is updated.
    public var callbackURL: String?
    /// Where people take part in the process on its platform (Metagov's `GovernanceProcess.url`), when the
    /// plugin gives one.
    public var url: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// Incremented by every write; used for optimistic concurrency.
    public var version: Int64

    public init(
        id: Int64, pluginID: Int64, community: String, plugin: String, name: String, status: ProcessStatus,
        outcome: JSONValue?, errors: JSONValue?, state: [String: JSONValue], callbackURL: String?,
        createdAt: Date, updatedAt: Date, version: Int64, url: String? = nil
    ) {
        self.id = id
        self.pluginID = pluginID
        self.community = community
        self.plugin = plugin
        self.name = name
        self.status = status
        self.outcome = outcome
        self.errors = errors
        self.state = state
        self.callbackURL = callbackURL
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
        self.url = url
    }
}
