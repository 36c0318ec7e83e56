/// What ``Metagov/communityCache`` holds for a query: the communities read, and the memo their callers derive
/// answers into (the encoded page of `ListCommunities`).
struct CachedCommunities: Sendable {
    let items: [CommunityDetails]
    let memo = DerivedMemo()

    /// Roughly how many bytes the entry takes: the communities, and as much again for what is derived from
    /// them into the memo.
    var estimatedSize: Int { 2 * items.reduce(64) { $0 + $1.estimatedSize } }
}
