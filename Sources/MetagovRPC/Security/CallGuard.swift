import MetagovCore
import MetagovGRPC
import MetagovProtoGRPC

/// Authentication and authorisation of API calls.
///
/// Every call is authenticated by the core's ``Authenticator`` (by default `authorization: Bearer TOKEN`),
/// then limited by the token's scope (a community token sees only its community: others are NOT_FOUND, and
/// server-wide operations such as creating communities are PERMISSION_DENIED), then decided by the auth
/// functions of the loaded extensions (`core.authorization`, with chaining and anonymous access as in CKAN:
/// public plugin actions need no token).
public struct CallGuard: Sendable {
    let core: Metagov
    /// When false (`metagovd serve --no-auth`), every caller is an administrator.
    let enforced: Bool

    public init(core: Metagov, enforced: Bool) {
        self.core = core
        self.enforced = enforced
    }

    /// The caller of a call. A plugin host's token may only connect plugin hosts: PERMISSION_DENIED here.
    func caller(_ context: ServerCallContext) async throws -> AuthContext {
        let caller = try await self.authenticate(context)
        context.setPrincipal(caller.user ?? "anonymous")
        return caller
    }

    /// Every caller of a server started with `--no-auth` (built once: a set literal per call showed in profiles).
    private static let localDevelopment = AuthContext(user: "local-development", scopes: ["admin"])

    private func authenticate(_ context: ServerCallContext) async throws -> AuthContext {
        guard self.enforced else { return Self.localDevelopment }
        let caller = try await self.authenticated(context)
        if !caller.pluginHostScopes.isEmpty && !caller.isAdmin {
            throw GRPCStatus(
                .permissionDenied, "a token of scope plugin-host may only call \(Metagov_V1_PluginHost.Method.connect)")
        }
        return caller
    }

    /// The plugin types a plugin host connecting with this call may serve (`nil`: any). Only tokens of scope
    /// `plugin-host` may connect one: UNAUTHENTICATED without a valid token, PERMISSION_DENIED for any other
    /// token. With `--no-auth` every caller may serve any type.
    func pluginHost(_ context: ServerCallContext) async throws -> Set<String>? {
        guard self.enforced else { return nil }
        let caller = try await self.authenticated(context)
        guard !caller.isAnonymous else {
            throw GRPCStatus(.unauthenticated, "a plugin host needs a token of scope plugin-host")
        }
        let scopes = caller.pluginHostScopes
        guard !scopes.isEmpty else {
            throw GRPCStatus(.permissionDenied, "only a token of scope plugin-host may connect a plugin host")
        }
        var allowed: Set<String> = []
        for scope in scopes {
            guard let types = scope else { return nil }
            allowed.formUnion(types)
        }
        return allowed
    }

    private func authenticated(_ context: ServerCallContext) async throws -> AuthContext {
        let metadata = context.metadata
        do {
            return try await self.core.authenticator.authenticate(
                header: { metadata.values($0).first }, clientCertificate: context.peerCertificate.flatMap(ClientCertificate.init(der:)),
                core: self.core)
        } catch let error as MetagovError {
            throw GRPCStatus(error)
        }
    }

    /// For calls that need no credentials (health, reflection): refuses credentials that are present but bad
    /// (UNAUTHENTICATED), as every other call does.
    func refuseBadCredentials(_ context: ServerCallContext) async throws {
        _ = try await self.caller(context)
    }

    /// Authenticates the caller and checks it may run `action` on `community` (nil: not community-bound);
    /// returns the caller with the community set.
    @discardableResult
    func authorize(
        _ context: ServerCallContext, _ action: String, community: String?, data: JSONValue = [:],
        serverWide: Bool = false
    ) async throws -> AuthContext {
        var caller = try await self.caller(context)
        if !caller.isAnonymous {
            if let community, !caller.covers(community: community) {
                throw GRPCStatus(.notFound, "community '\(community)' not found")
            }
            if serverWide && !caller.isAdmin {
                throw GRPCStatus(.permissionDenied, "'\(action)' needs an admin token")
            }
        }
        caller.community = community
        do {
            try await self.core.authorization.check(action, context: caller, data: data)
        } catch let error as MetagovError {
            throw GRPCStatus(error)
        }
        return caller
    }

    /// The community a caller is limited to, if its token is for one community.
    func scopedCommunity(_ caller: AuthContext) -> String? {
        guard !caller.isAdmin else { return nil }
        return caller.scopes.lazy.compactMap { scope -> String? in
            guard case .community(let slug)? = TokenScope(scope) else { return nil }
            return slug
        }.first
    }
}

extension AuthContext {
    /// The `plugin-host` scopes granted: each the types it allows (`nil`: any).
    var pluginHostScopes: [Set<String>?] {
        self.scopes.compactMap { scope in
            guard case .pluginHost(let types)? = TokenScope(scope) else { return nil }
            return .some(types)
        }
    }

    /// Whether an admin scope was granted.
    var isAdmin: Bool { self.scopes.contains(TokenScope.admin.description) }

    /// Whether the caller may see `community`.
    func covers(community: String) -> Bool {
        self.isAdmin || self.scopes.contains(TokenScope.community(community).description)
    }
}
