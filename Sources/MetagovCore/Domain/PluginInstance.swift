import Foundation

/// A plugin type enabled for one community, with its validated configuration.
public struct PluginInstance: Sendable, Hashable {
    /// Store-assigned identifier.
    public var id: Int64
    /// Slug of the owning community.
    public var community: String
    /// Name of the plugin type (e.g. `randomness`).
    public var name: String
    /// Identifier of the community on the external platform, when the plugin type declares a
    /// `communityPlatformIDKey` or several instances per community are wanted.
    public var communityPlatformID: String?
    /// Configuration, validated against the type's schema with defaults filled in.
    public var config: JSONValue
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, community: String, name: String, communityPlatformID: String?, config: JSONValue,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.community = community
        self.name = name
        self.communityPlatformID = communityPlatformID
        self.config = config
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
