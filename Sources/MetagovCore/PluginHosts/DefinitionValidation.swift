extension RemotePluginTypeDefinition {
    /// Prefixes of the core's action names (`community.create`, `plugin.enable`, ...): a plugin type named
    /// like one would mix its actions' authorisation with the core's.
    static let reservedNames: Set<String> = [
        "account", "action", "community", "delivery", "event", "identity", "plugin", "process", "token", "webhook",
    ]

    /// Throws INVALID_ARGUMENT naming the first thing wrong with the definition's names (schemas are checked
    /// when it is compiled).
    func validate() throws {
        func invalid(_ message: String) -> MetagovError { .invalidArgument("plugin type '\(name)': \(message)") }
        guard Slug.isValid(name) else {
            throw MetagovError.invalidArgument("plugin type name '\(name)' must be 1–\(Slug.maxLength) letters, digits, '-' or '_'")
        }
        guard !Self.reservedNames.contains(name) else {
            throw invalid("the name is reserved (core action names start with it)")
        }
        try Self.unique(actions.map(\.slug), "action slug", invalid)
        try Self.unique(processes.map(\.name), "process name", invalid)
        try Self.unique(eventTypes.map(\.eventType), "event type", invalid)
        try Self.unique(periodicTasks.map(\.name), "periodic task name", invalid)
        for slug in actions.map(\.slug) + processes.map(\.name) where !Slug.isValid(slug) {
            throw invalid("'\(slug)' must be 1–\(Slug.maxLength) letters, digits, '-' or '_'")
        }
        for text in eventTypes.map(\.eventType) + periodicTasks.map(\.name) where !(1...200).contains(text.count) {
            throw invalid("event type and periodic task names must be 1–200 characters, got '\(text.prefix(40))'")
        }
        if let key = communityPlatformIDKey, key.isEmpty || key.count > 200 {
            throw invalid("community_platform_id_key must be 1–200 characters")
        }
        guard description.count <= 10_000 else { throw invalid("the description is longer than 10000 characters") }
    }

    private static func unique(_ names: [String], _ what: String, _ invalid: (String) -> MetagovError) throws {
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted { throw invalid("duplicate \(what) '\(name)'") }
    }
}
