extension RemotePluginTypeDefinition {
    /// The definition as a JSON object with the protocol's field names, as the store keeps it.
    package var json: JSONValue {
        func schema(_ value: JSONValue?) -> JSONValue { value ?? .null }
        return [
            "name": .string(name), "description": .string(description), "config_schema": schema(configSchema),
            "auth_type": .string(authType.rawValue),
            "community_platform_id_key": communityPlatformIDKey.map(JSONValue.string) ?? .null,
            "actions": .array(actions.map {
                ["slug": .string($0.slug), "description": .string($0.description), "input_schema": schema($0.inputSchema),
                 "output_schema": schema($0.outputSchema), "is_public": .bool($0.isPublic)]
            }),
            "processes": .array(processes.map {
                ["name": .string($0.name), "description": .string($0.description), "input_schema": schema($0.inputSchema),
                 "outcome_schema": schema($0.outcomeSchema), "has_close": .bool($0.hasClose),
                 "has_update": .bool($0.hasUpdate), "has_receive_webhook": .bool($0.hasReceiveWebhook)]
            }),
            "event_types": .array(eventTypes.map { ["event_type": .string($0.eventType), "schema": schema($0.schema)] }),
            "accepts_undeclared_event_types": .bool(acceptsUndeclaredEventTypes),
            "has_initialize": .bool(hasInitialize), "has_webhook_receiver": .bool(hasWebhookReceiver),
            "has_signature_verifier": .bool(hasSignatureVerifier),
            "periodic_tasks": .array(periodicTasks.map {
                ["name": .string($0.name), "interval_seconds": .integer($0.intervalSeconds)]
            }),
        ]
    }

    /// Reads a definition stored as ``json``; throws naming the first field that is missing or malformed.
    package init(json: JSONValue) throws {
        let reader = DefinitionReader(json, path: "plugin type")
        self.init(
            name: try reader.string("name"), description: try reader.string("description"),
            configSchema: reader.optional("config_schema"),
            authType: try reader.authType("auth_type"),
            communityPlatformIDKey: try reader.optionalString("community_platform_id_key"),
            actions: try reader.list("actions").map { action in
                Action(
                    slug: try action.string("slug"), description: try action.string("description"),
                    inputSchema: action.optional("input_schema"), outputSchema: action.optional("output_schema"),
                    isPublic: try action.bool("is_public"))
            },
            processes: try reader.list("processes").map { process in
                Process(
                    name: try process.string("name"), description: try process.string("description"),
                    inputSchema: process.optional("input_schema"), outcomeSchema: process.optional("outcome_schema"),
                    hasClose: try process.bool("has_close"), hasUpdate: try process.bool("has_update"),
                    hasReceiveWebhook: try process.bool("has_receive_webhook"))
            },
            eventTypes: try reader.list("event_types").map { event in
                EventType(eventType: try event.string("event_type"), schema: event.optional("schema"))
            },
            acceptsUndeclaredEventTypes: try reader.bool("accepts_undeclared_event_types"),
            hasInitialize: try reader.bool("has_initialize"), hasWebhookReceiver: try reader.bool("has_webhook_receiver"),
            hasSignatureVerifier: try reader.bool("has_signature_verifier"),
            periodicTasks: try reader.list("periodic_tasks").map { task in
                PeriodicTaskDefinition(name: try task.string("name"), intervalSeconds: try task.int("interval_seconds"))
            })
    }
}

/// Reads the fields of one stored JSON object, naming the field that does not fit.
private struct DefinitionReader {
    let object: JSONObject
    let path: String

    init(_ value: JSONValue, path: String) {
        self.object = value.objectValue ?? [:]
        self.path = path
    }

    private func failure(_ key: String, _ expected: String) -> MetagovError {
        MetagovError(.internal, "stored remote plugin type: \(path).\(key) is not \(expected)")
    }

    func string(_ key: String) throws -> String {
        guard let value = object[key]?.stringValue else { throw failure(key, "a string") }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw failure(key, "a string") }
        return text
    }

    func bool(_ key: String) throws -> Bool {
        guard let value = object[key]?.boolValue else { throw failure(key, "a boolean") }
        return value
    }

    func int(_ key: String) throws -> Int {
        guard let value = object[key]?.intValue else { throw failure(key, "an integer") }
        return value
    }

    func optional(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func authType(_ key: String) throws -> AuthType {
        guard let value = AuthType(rawValue: try string(key)) else { throw failure(key, "none, api_key or oauth") }
        return value
    }

    func list(_ key: String) throws -> [DefinitionReader] {
        guard let items = object[key]?.arrayValue else { throw failure(key, "a list") }
        return items.enumerated().map { DefinitionReader($1, path: "\(path).\(key)[\($0)]") }
    }
}
