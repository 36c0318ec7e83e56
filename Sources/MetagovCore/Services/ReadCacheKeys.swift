/// What ``Metagov/instanceCache`` holds instances by: a plugin type in a community.
struct InstanceKey: Hashable, Sendable {
    let community: String
    let name: String
}

/// What ``Metagov/communityCache`` holds communities by: one community, or a page of them.
enum CommunityQuery: Hashable, Sendable {
    /// The community `slug` (cached only when it exists).
    case one(String)
    /// Up to `limit` communities after `afterSlug` (from the first when nil), in slug order.
    case page(afterSlug: String?, limit: Int)
}
