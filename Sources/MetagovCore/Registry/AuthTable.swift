/// The auth functions of the loaded extensions, resolved per action name with their chains composed.
struct AuthTable: Sendable {
    struct Resolved: Sendable {
        var allowsAnonymous: Bool
        var check: AuthCheck
    }

    private var base: [String: AuthFunction] = [:]
    private var chains: [String: [ChainedAuthFunction]] = [:]

    init(registry: ExtensionRegistry) {
        for provider in registry.implementations(of: (any AuthFunctionProvider).self) {
            base.merge(provider.authFunctions()) { _, later in later }
            for chained in provider.chainedAuthFunctions() { chains[chained.action, default: []].append(chained) }
        }
    }

    /// The function deciding `action`: an extension's, or `fallback`, wrapped by every chained function;
    /// the one registered last is called first.
    func resolve(_ action: String, fallback: AuthFunction) -> Resolved {
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
}
