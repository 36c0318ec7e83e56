extension RemotePluginTypeDefinition {
    /// How `other` differs from this definition, in the protocol's field names ("action 'bump': input_schema
    /// differs; process 'vote' only in the new definition"), or `nil` when they are the same.
    package func difference(from other: RemotePluginTypeDefinition) -> String? {
        var found: [String] = []
        func compare<T: Equatable>(_ field: String, _ mine: T, _ theirs: T) {
            if mine != theirs { found.append("\(field) differs") }
        }
        compare("description", description, other.description)
        compare("config_schema", configSchema, other.configSchema)
        compare("auth_type", authType, other.authType)
        compare("community_platform_id_key", communityPlatformIDKey, other.communityPlatformIDKey)
        compare("accepts_undeclared_event_types", acceptsUndeclaredEventTypes, other.acceptsUndeclaredEventTypes)
        compare("has_initialize", hasInitialize, other.hasInitialize)
        compare("has_webhook_receiver", hasWebhookReceiver, other.hasWebhookReceiver)
        compare("has_signature_verifier", hasSignatureVerifier, other.hasSignatureVerifier)
        found += Self.members("action", actions, other.actions, key: \.slug) { mine, theirs in
            var fields: [String] = []
            if mine.description != theirs.description { fields.append("description") }
            if mine.inputSchema != theirs.inputSchema { fields.append("input_schema") }
            if mine.outputSchema != theirs.outputSchema { fields.append("output_schema") }
            if mine.isPublic != theirs.isPublic { fields.append("is_public") }
            return fields
        }
        found += Self.members("process", processes, other.processes, key: \.name) { mine, theirs in
            var fields: [String] = []
            if mine.description != theirs.description { fields.append("description") }
            if mine.inputSchema != theirs.inputSchema { fields.append("input_schema") }
            if mine.outcomeSchema != theirs.outcomeSchema { fields.append("outcome_schema") }
            if mine.hasClose != theirs.hasClose { fields.append("has_close") }
            if mine.hasUpdate != theirs.hasUpdate { fields.append("has_update") }
            if mine.hasReceiveWebhook != theirs.hasReceiveWebhook { fields.append("has_receive_webhook") }
            return fields
        }
        found += Self.members("event type", eventTypes, other.eventTypes, key: \.eventType) { mine, theirs in
            mine.schema == theirs.schema ? [] : ["schema"]
        }
        found += Self.members("periodic task", periodicTasks, other.periodicTasks, key: \.name) { mine, theirs in
            mine.intervalSeconds == theirs.intervalSeconds ? [] : ["interval_seconds"]
        }
        return found.isEmpty ? nil : found.joined(separator: "; ")
    }

    /// Differences between two lists of named members: members only on one side, and the fields that differ
    /// in members on both.
    private static func members<Member>(
        _ what: String, _ mine: [Member], _ theirs: [Member], key: KeyPath<Member, String>,
        fields: (Member, Member) -> [String]
    ) -> [String] {
        let mineByKey = Dictionary(mine.map { ($0[keyPath: key], $0) }, uniquingKeysWith: { first, _ in first })
        let theirsByKey = Dictionary(theirs.map { ($0[keyPath: key], $0) }, uniquingKeysWith: { first, _ in first })
        var found: [String] = []
        for name in Set(mineByKey.keys).union(theirsByKey.keys).sorted() {
            switch (mineByKey[name], theirsByKey[name]) {
            case (nil, _?): found.append("\(what) '\(name)' only in the new definition")
            case (_?, nil): found.append("\(what) '\(name)' missing from the new definition")
            case let (a?, b?):
                let differing = fields(a, b)
                if !differing.isEmpty {
                    found.append("\(what) '\(name)': \(differing.joined(separator: ", ")) \(differing.count == 1 ? "differs" : "differ")")
                }
            case (nil, nil): break
            }
        }
        return found
    }
}
