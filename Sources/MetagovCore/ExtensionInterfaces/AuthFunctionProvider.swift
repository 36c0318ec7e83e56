/// Who is calling, as established by the transport's authenticator.
public struct AuthContext: Sendable, Hashable {
    /// The caller's identity, `nil` for anonymous callers.
    public var user: String?
    /// Scopes granted to the caller (e.g. `admin`, `community:my-slug`).
    public var scopes: Set<String>
    /// The community the call acts on, when any.
    public var community: String?

    public init(user: String? = nil, scopes: Set<String> = [], community: String? = nil) {
        self.user = user
        self.scopes = scopes
        self.community = community
    }

    /// Whether nobody was authenticated.
    public var isAnonymous: Bool { user == nil }
}

/// The answer of an auth function (CKAN's `{'success': bool, 'msg': ...}`).
public struct AuthDecision: Sendable, Hashable {
    public var allowed: Bool
    public var message: String?

    public init(allowed: Bool, message: String? = nil) {
        self.allowed = allowed
        self.message = message
    }

    public static let allow = AuthDecision(allowed: true)
    public static func deny(_ message: String) -> AuthDecision { .init(allowed: false, message: message) }
}

/// The body of an auth function: decides whether `context` may run the action with `data`.
public typealias AuthCheck = @Sendable (AuthContext, JSONValue) async throws -> AuthDecision

/// An authorization function for one action (CKAN's auth functions).
public struct AuthFunction: Sendable {
    /// Whether anonymous callers reach `check` at all (CKAN's `auth_allow_anonymous_access`); when false,
    /// anonymous callers are refused before it runs.
    public var allowsAnonymous: Bool
    public var check: AuthCheck

    public init(allowsAnonymous: Bool = false, check: @escaping AuthCheck) {
        self.allowsAnonymous = allowsAnonymous
        self.check = check
    }
}

/// An auth function that wraps the one it overrides (CKAN's `chained_auth_function`).
public struct ChainedAuthFunction: Sendable {
    public var action: String
    /// When set, replaces the anonymous-access flag of the chain it wraps.
    public var allowsAnonymous: Bool?
    public var check: @Sendable (_ next: AuthCheck, AuthContext, JSONValue) async throws -> AuthDecision

    public init(
        action: String, allowsAnonymous: Bool? = nil,
        check: @escaping @Sendable (_ next: AuthCheck, AuthContext, JSONValue) async throws -> AuthDecision
    ) {
        self.action = action
        self.allowsAnonymous = allowsAnonymous
        self.check = check
    }
}

/// Adds or overrides authorization functions (CKAN's `IAuthFunctions`), keyed by action name
/// (`plugin.slug` for plugin actions, e.g. `community.create` for core operations).
///
/// A later-loaded extension's plain function overrides an earlier one. Chained functions wrap the resolved
/// function; the one loaded last is called first (CKAN's order).
public protocol AuthFunctionProvider: MetagovExtension {
    func authFunctions() -> [String: AuthFunction]
    func chainedAuthFunctions() -> [ChainedAuthFunction]
}

extension AuthFunctionProvider {
    public func authFunctions() -> [String: AuthFunction] { [:] }
    public func chainedAuthFunctions() -> [ChainedAuthFunction] { [] }
}
