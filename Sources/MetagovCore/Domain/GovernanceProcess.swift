import Foundation

/// Lifecycle of a governance process: created → pending → completed.
public enum ProcessStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case created
    case pending
    case completed
}

/// One run of a governance process type (a vote, a decision) of a plugin instance.
///
/// A value type whose fields live in one shared box, copied when a copy is changed (copy on write): a process is
/// copied often on the call path (into the unit of work, its plan, the commit summary, the notices, the answer),
/// and copying the fields themselves cost a retain and a release of each of their eight references.
public struct GovernanceProcess: Sendable, Hashable {
    /// Store-assigned identifier.
    public var id: Int64 {
        get { box.fields.id }
        _modify { makeUnique(); yield &box.fields.id }
    }
    /// Identifier of the plugin instance that runs this process.
    public var pluginID: Int64 {
        get { box.fields.pluginID }
        _modify { makeUnique(); yield &box.fields.pluginID }
    }
    /// Slug of the owning community.
    public var community: String {
        get { box.fields.community }
        _modify { makeUnique(); yield &box.fields.community }
    }
    /// Name of the plugin type.
    public var plugin: String {
        get { box.fields.plugin }
        _modify { makeUnique(); yield &box.fields.plugin }
    }
    /// Name of the process type within the plugin (e.g. `vote`).
    public var name: String {
        get { box.fields.name }
        _modify { makeUnique(); yield &box.fields.name }
    }
    public var status: ProcessStatus {
        get { box.fields.status }
        _modify { makeUnique(); yield &box.fields.status }
    }
    /// Outcome reported to drivers (JSON object), `nil` until the plugin sets one.
    public var outcome: JSONValue? {
        get { box.fields.outcome }
        _modify { makeUnique(); yield &box.fields.outcome }
    }
    /// Errors reported to drivers (JSON object), `nil` when none.
    public var errors: JSONValue? {
        get { box.fields.errors }
        _modify { makeUnique(); yield &box.fields.errors }
    }
    /// The plugin's private persistent state for this process.
    public var state: JSONObject {
        get { box.fields.state }
        _modify { makeUnique(); yield &box.fields.state }
    }
    /// URL notified when the process is updated.
    public var callbackURL: String? {
        get { box.fields.callbackURL }
        _modify { makeUnique(); yield &box.fields.callbackURL }
    }
    /// Where people take part in the process on its platform (Metagov's `GovernanceProcess.url`), when the
    /// plugin gives one.
    public var url: String? {
        get { box.fields.url }
        _modify { makeUnique(); yield &box.fields.url }
    }
    public var createdAt: Date {
        get { box.fields.createdAt }
        _modify { makeUnique(); yield &box.fields.createdAt }
    }
    public var updatedAt: Date {
        get { box.fields.updatedAt }
        _modify { makeUnique(); yield &box.fields.updatedAt }
    }
    /// Incremented by every write; used for optimistic concurrency.
    public var version: Int64 {
        get { box.fields.version }
        _modify { makeUnique(); yield &box.fields.version }
    }

    private var box: Box

    public init(
        id: Int64, pluginID: Int64, community: String, plugin: String, name: String, status: ProcessStatus,
        outcome: JSONValue?, errors: JSONValue?, state: JSONObject, callbackURL: String?,
        createdAt: Date, updatedAt: Date, version: Int64, url: String? = nil
    ) {
        box = Box(Fields(
            id: id, pluginID: pluginID, community: community, plugin: plugin, name: name, status: status,
            outcome: outcome, errors: errors, state: state, callbackURL: callbackURL, url: url, createdAt: createdAt,
            updatedAt: updatedAt, version: version))
    }

    public static func == (lhs: GovernanceProcess, rhs: GovernanceProcess) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    public func hash(into hasher: inout Hasher) { box.fields.hash(into: &hasher) }

    /// Gives this value a box of its own before a field changes.
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
    }

    private struct Fields: Hashable, Sendable {
        var id: Int64
        var pluginID: Int64
        var community: String
        var plugin: String
        var name: String
        var status: ProcessStatus
        var outcome: JSONValue?
        var errors: JSONValue?
        var state: JSONObject
        var callbackURL: String?
        var url: String?
        var createdAt: Date
        var updatedAt: Date
        var version: Int64
    }

    /// Changed only through a value that holds it alone (`makeUnique`), so never while another thread reads it.
    private final class Box: @unchecked Sendable {
        var fields: Fields

        init(_ fields: Fields) { self.fields = fields }
    }
}
