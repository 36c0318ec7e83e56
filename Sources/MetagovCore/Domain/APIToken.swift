import Foundation

/// What an API token may do.
public enum TokenScope: Sendable, Hashable, CustomStringConvertible {
    /// Everything.
    case admin
    /// Only the community with this slug (other communities do not exist for it).
    case community(String)
    /// Only `metagov.v1.PluginHost/Connect`: serving plugin types out of process. `nil` allows every type,
    /// a set only the types it names.
    case pluginHost(types: Set<String>?)

    /// Parses `admin`, `community:SLUG`, `plugin-host` or `plugin-host:TYPE[,TYPE...]`.
    public init?(_ text: String) {
        if text == "admin" {
            self = .admin
        } else if text.hasPrefix("community:"), Slug.isValid(String(text.dropFirst("community:".count))) {
            self = .community(String(text.dropFirst("community:".count)))
        } else if text == "plugin-host" {
            self = .pluginHost(types: nil)
        } else if text.hasPrefix("plugin-host:") {
            let names = text.dropFirst("plugin-host:".count).split(separator: ",", omittingEmptySubsequences: false)
                .map { String($0) }
            guard !names.isEmpty, names.allSatisfy(Slug.isValid) else { return nil }
            self = .pluginHost(types: Set(names))
        } else {
            return nil
        }
    }

    /// `admin`, `community:SLUG`, `plugin-host` or `plugin-host:A,B` (names sorted): the scope string carried
    /// in ``AuthContext/scopes``.
    public var description: String {
        switch self {
        case .admin: return "admin"
        case .community(let slug): return "community:\(slug)"
        case .pluginHost(nil): return "plugin-host"
        case .pluginHost(let types?): return "plugin-host:" + types.sorted().joined(separator: ",")
        }
    }
}

/// A stored API token. Only a hash of its secret is kept; the token itself is shown once, at creation.
public struct APIToken: Sendable, Hashable {
    public var id: Int64
    /// Unique, human-chosen (or generated) name.
    public var name: String
    public var scope: TokenScope
    /// The token codec's hash of the secret.
    public var secretHash: String
    public var createdAt: Date
    /// After this the token no longer authenticates.
    public var expiresAt: Date?
    /// Set when revoked; a revoked token never authenticates again.
    public var revokedAt: Date?

    public init(
        id: Int64, name: String, scope: TokenScope, secretHash: String, createdAt: Date, expiresAt: Date?,
        revokedAt: Date?
    ) {
        self.id = id
        self.name = name
        self.scope = scope
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// Whether the token authenticates at `date`.
    public func isActive(at date: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { date < $0 } ?? true)
    }
}
