/// Decides whether a caller may run an action (CKAN's `check_access`), using the auth functions of the
/// loaded extensions.
///
/// Action names are `plugin.slug` for plugin actions and dotted core names (e.g. `community.create`) for
/// core operations. Without an extension's function, public plugin actions are open to everyone and
/// everything else needs an authenticated caller.
public struct AuthorizationService: Sendable {
    let core: Metagov

    /// Throws UNAUTHENTICATED when an anonymous caller reaches a function that does not allow anonymous
    /// access, and PERMISSION_DENIED when the function denies the call.
    public func check(_ action: String, context: AuthContext, data: JSONValue = [:]) async throws {
        let resolved = core.resolveAuth(action)
        if context.isAnonymous && !resolved.allowsAnonymous {
            throw MetagovError(.unauthenticated, "'\(action)' requires an authenticated caller")
        }
        let decision = try await resolved.check(context, data)
        guard decision.allowed else {
            throw MetagovError(.permissionDenied, decision.message ?? "not allowed to perform '\(action)'")
        }
    }

    /// Whether the caller may run `action` (``check(_:context:data:)`` without the error).
    public func isAllowed(_ action: String, context: AuthContext, data: JSONValue = [:]) async -> Bool {
        do {
            try await check(action, context: context, data: data)
            return true
        } catch {
            return false
        }
    }
}
