import Foundation

/// How an account came to be linked to a metagov id (Metagov's `LinkType`).
public enum LinkType: String, Sendable, Hashable, Codable, CaseIterable {
    case oauth
    case manualAdmin = "manual_admin"
    case emailMatching = "email_matching"
    case unknown
}

/// How sure we are that a linked account belongs to the person (Metagov's `LinkQuality`), weakest first.
public enum LinkQuality: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case unknown
    case unconfirmed
    case weakConfirm = "confirmed_by_user"
    case strongConfirm = "confirmed_by_governance"

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: LinkQuality, rhs: LinkQuality) -> Bool { lhs.rank < rhs.rank }
}

/// A person's id within a community, shared across the platforms their accounts live on.
public struct MetagovID: Sendable, Hashable {
    public var community: String
    /// The id drivers use (a positive integer, unique across communities).
    public var externalID: Int64
    /// The primary id of the merged group this id belongs to (itself when it was never merged away).
    public var primaryExternalID: Int64

    /// Whether this id is the primary one of its merged group.
    public var isPrimary: Bool { primaryExternalID == externalID }

    public init(community: String, externalID: Int64, primaryExternalID: Int64) {
        self.community = community
        self.externalID = externalID
        self.primaryExternalID = primaryExternalID
    }
}

/// An account on a platform, linked to a metagov id.
public struct LinkedAccount: Sendable, Hashable {
    public var externalID: Int64
    public var community: String
    /// Platform type, e.g. `slack` or `github`.
    public var platformType: String
    /// The account's identifier on the platform.
    public var platformIdentifier: String
    /// The community's id on that platform (e.g. a Slack team id), when several exist.
    public var communityPlatformID: String?
    public var customData: JSONValue
    public var linkType: LinkType
    public var linkQuality: LinkQuality

    public init(
        externalID: Int64, community: String, platformType: String, platformIdentifier: String,
        communityPlatformID: String?, customData: JSONValue, linkType: LinkType, linkQuality: LinkQuality
    ) {
        self.externalID = externalID
        self.community = community
        self.platformType = platformType
        self.platformIdentifier = platformIdentifier
        self.communityPlatformID = communityPlatformID
        self.customData = customData
        self.linkType = linkType
        self.linkQuality = linkQuality
    }
}

/// A person as drivers see them: their primary id and every account linked to any id in their merged group.
public struct User: Sendable, Hashable {
    public var externalID: Int64
    public var linkedAccounts: [LinkedAccount]

    public init(externalID: Int64, linkedAccounts: [LinkedAccount]) {
        self.externalID = externalID
        self.linkedAccounts = linkedAccounts
    }
}
