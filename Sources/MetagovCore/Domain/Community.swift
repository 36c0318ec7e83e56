import Foundation

/// A community of people that governs itself across platforms: the unit that owns plugin instances,
/// governance processes, identities and events.
public struct Community: Sendable, Hashable {
    /// Unique, URL-safe identifier (see ``Slug``).
    public var slug: String
    /// Human-readable name.
    public var readableName: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(slug: String, readableName: String, createdAt: Date, updatedAt: Date) {
        self.slug = slug
        self.readableName = readableName
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A community with its plugin instances, as read together.
public struct CommunityDetails: Sendable, Hashable {
    public var community: Community
    /// The community's plugin instances, ordered by id.
    public var plugins: [PluginInstance]

    public init(community: Community, plugins: [PluginInstance]) {
        self.community = community
        self.plugins = plugins
    }
}
