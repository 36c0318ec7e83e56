/// Creating, reading, renaming and deleting communities.
public struct CommunityService: Sendable {
    let core: Metagov

    /// Longest readable name accepted.
    public static let maxNameLength = 1000

    /// Creates a community. Without a slug, a UUID is generated (Metagov's behaviour).
    public func create(slug: String? = nil, readableName: String) async throws -> Community {
        let slug = slug.flatMap { $0.isEmpty ? nil : $0 } ?? Slug.generate()
        guard Slug.isValid(slug) else {
            throw MetagovError.invalidArgument(
                "slug '\(slug)' is not a valid slug: use 1 to \(Slug.maxLength) letters, digits, '-' or '_'")
        }
        try Self.checkName(readableName)
        let community = try await core.write { try $0.insertCommunity(slug: slug, readableName: readableName) }
        core.directoryChanged()
        core.notify([Modification(kind: .new, object: .community(community))])
        return community
    }

    /// The community `slug`, or NOT_FOUND.
    public func get(_ slug: String) async throws -> Community {
        guard let community = try await core.read({ try $0.community(slug: slug) }) else {
            throw MetagovError.notFound("community '\(slug)'")
        }
        return community
    }

    /// One page of communities ordered by slug.
    public func list(pageSize: Int = 0, pageToken: String? = nil) async throws -> Page<Community> {
        let limit = try Paging.pageSize(pageSize)
        let after = try Paging.key(from: pageToken)
        let items = try await core.read { try $0.communities(afterSlug: after, limit: limit + 1) }
        let page = Array(items.prefix(limit))
        let next = items.count > limit ? page.last.map { Paging.token(after: $0.slug) } : nil
        return Page(items: page, nextPageToken: next)
    }

    /// The community `slug` with its plugin instances, in one read (or from the core's read cache); NOT_FOUND
    /// when it does not exist.
    public func details(_ slug: String) async throws -> CommunityDetails {
        try await memoizedDetails(slug).value
    }

    /// ``details(_:)`` with the memo kept beside it in the core's read cache.
    public func memoizedDetails(_ slug: String) async throws -> Memoized<CommunityDetails> {
        let found = try await core.communityCache.memoized(.one(slug), keep: { !$0.isEmpty }) {
            try await core.read { reader -> [CommunityDetails] in
                guard let community = try reader.community(slug: slug) else { return [] }
                return [CommunityDetails(community: community, plugins: try reader.plugins(community: slug))]
            }
        }
        guard let details = found.value.first else { throw MetagovError.notFound("community '\(slug)'") }
        return Memoized(value: details, memo: found.memo)
    }

    /// One page of communities ordered by slug, each with its plugin instances, in one read (one query for the
    /// page, one for the plugins of all its communities), or from the core's read cache; the page's memo stays
    /// with the cached page.
    public func listDetails(pageSize: Int = 0, pageToken: String? = nil) async throws -> Page<CommunityDetails> {
        let limit = try Paging.pageSize(pageSize)
        let after = try Paging.key(from: pageToken)
        // One more than the page, to tell whether another page follows.
        let read = try await core.communityCache.memoized(.page(afterSlug: after, limit: limit + 1)) {
            try await core.read { reader -> [CommunityDetails] in
                let communities = try reader.communities(afterSlug: after, limit: limit + 1)
                let page = communities.prefix(limit)
                guard let first = page.first?.slug, let last = page.last?.slug else {
                    return communities.map { CommunityDetails(community: $0, plugins: []) }
                }
                let byCommunity = Dictionary(grouping: try reader.plugins(communities: first...last), by: \.community)
                return communities.map { CommunityDetails(community: $0, plugins: byCommunity[$0.slug] ?? []) }
            }
        }
        let page = Array(read.value.prefix(limit))
        let next = read.value.count > limit ? page.last.map { Paging.token(after: $0.community.slug) } : nil
        return Page(items: page, nextPageToken: next, memo: read.memo)
    }

    /// Changes the readable name.
    public func update(_ slug: String, readableName: String) async throws -> Community {
        try Self.checkName(readableName)
        let community = try await core.write { try $0.updateCommunity(slug: slug, readableName: readableName) }
        core.directoryChanged()
        core.notify([Modification(kind: .changed, object: .community(community))])
        return community
    }

    /// Deletes the community and everything it owns: plugin instances, processes, identities, events.
    @discardableResult
    public func delete(_ slug: String) async throws -> Community {
        let community = try await core.write { writer -> Community in
            guard let community = try writer.community(slug: slug) else {
                throw MetagovError.notFound("community '\(slug)'")
            }
            _ = try writer.deleteCommunity(slug: slug)
            return community
        }
        core.directoryChanged()
        core.eventTail.clear()
        core.notify([Modification(kind: .deleted, object: .community(community))])
        return community
    }

    private static func checkName(_ name: String) throws {
        guard name.count <= maxNameLength else {
            throw MetagovError.invalidArgument("readable_name is longer than \(maxNameLength) characters")
        }
    }
}
