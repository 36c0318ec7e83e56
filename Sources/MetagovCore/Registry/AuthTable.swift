/// The auth functions of the loaded extensions, resolved per action name with their chains composed.
struct AuthTable: Sendable {
    struct Resolved: Sendable {
        var allowsAnonymous: Bool
        var check: AuthCheck
    }

    private var base: [String: AuthFunction] = [:]
    private var chains: [String: [ChainedAuthFunction]] = [:]

    /// Without an extension's function, public plugin actions are open to everyone and everything else needs
    /// an authenticated caller.
    init(registry: ExtensionRegistry) {
        for provider in registry.implementations(of: (any AuthFunctionProvider).self) {
            base.merge(provider.authFunctions()) { _, later in later }
            for chained in provider.chainedAuthFunctions() { chains[chained.action, default: []].append(chained) }
        }
    }

    /// The function deciding plugin action `name` (`plugin.slug`), resolved once when its type is compiled:
    /// plugin actions are on the hot path of every call.
    func pluginAction(_ name: String, isPublic: Bool) -> Resolved {
        compose(name, fallback: Self.allowAll(anonymous: isPublic))
    }

    /// The function deciding a core action (`community.create`, ...): an extension's, or the default, wrapped
    /// by every chained function; the one registered last is called first.
    func resolve(_ action: String) -> Resolved {
        compose(action, fallback: Self.allowAll(anonymous: false))
    }

    private func compose(_ action: String, fallback: AuthFunction) -> Resolved {
        let function = base[action] ?? fallback
        var resolved = Resolved(allowsAnonymous: function.allowsAnonymous, check: function.check)
        for chained in chains[action] ?? [] {
            let next = resolved.check
            let wrapper = chained.check
            resolved.check = { context, data in try await wrapper(next, context, data) }
            if let anonymous = chained.allowsAnonymous { resolved.allowsAnonymous = anonymous }
        }
        return resolved
    }

    private static func allowAll(anonymous: Bool) -> AuthFunction {
        AuthFunction(allowsAnonymous: anonymous) { _, _ in .allow }
    }
}
