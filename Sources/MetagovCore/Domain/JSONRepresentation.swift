import Foundation

// The JSON forms of domain objects, as drivers see them (the admin CLI prints them; process callbacks post
// them): Metagov's snake_case keys, RFC 3339 times.

extension Optional where Wrapped == String {
    fileprivate var json: JSONValue { map(JSONValue.string) ?? .null }
}

extension Community: JSONRepresentable {
    public var json: JSONValue {
        ["slug": .string(slug), "readable_name": .string(readableName),
         "created_at": .string(createdAt.rfc3339), "updated_at": .string(updatedAt.rfc3339)]
    }
}

extension PluginInstance: JSONRepresentable {
    public var json: JSONValue {
        ["id": .integer(Int(id)), "name": .string(name), "community": .string(community),
         "community_platform_id": communityPlatformID.json, "config": config,
         "created_at": .string(createdAt.rfc3339), "updated_at": .string(updatedAt.rfc3339)]
    }
}

extension GovernanceProcess: JSONRepresentable {
    public var json: JSONValue {
        ["id": .integer(Int(id)), "community": .string(community), "plugin": .string(plugin), "name": .string(name),
         "status": .string(status.rawValue), "outcome": outcome ?? .null, "errors": errors ?? .null,
         "url": url.json, "callback_url": callbackURL.json,
         "created_at": .string(createdAt.rfc3339), "updated_at": .string(updatedAt.rfc3339)]
    }
}

extension Event: JSONRepresentable {
    public var json: JSONValue {
        ["cursor": .integer(Int(cursor)), "community": .string(community), "source": .string(source),
         "event_type": .string(eventType), "timestamp": .string(timestamp.rfc3339), "data": data,
         "initiator": initiator]
    }
}

extension LinkedAccount: JSONRepresentable {
    public var json: JSONValue {
        ["external_id": .integer(Int(externalID)), "community": .string(community),
         "platform_type": .string(platformType), "platform_identifier": .string(platformIdentifier),
         "community_platform_id": communityPlatformID.json, "custom_data": customData,
         "link_type": .string(linkType.rawValue), "link_quality": .string(linkQuality.rawValue)]
    }
}

extension User: JSONRepresentable {
    public var json: JSONValue {
        ["external_id": .integer(Int(externalID)), "linked_accounts": .array(linkedAccounts.map(\.json))]
    }
}

extension PluginTypeInfo: JSONRepresentable {
    public var json: JSONValue {
        ["name": .string(name), "description": .string(description), "config_schema": configSchema,
         "auth_type": .string(authType.rawValue),
         "community_platform_id_key": communityPlatformIDKey.json,
         "actions": .array(actions.map { action in
             ["slug": .string(action.slug), "description": .string(action.description),
              "input_schema": action.inputSchema ?? .null, "output_schema": action.outputSchema ?? .null,
              "is_public": .bool(action.isPublic)]
         }),
         "processes": .array(processes.map { process in
             ["name": .string(process.name), "description": .string(process.description),
              "input_schema": process.inputSchema ?? .null, "outcome_schema": process.outcomeSchema ?? .null,
              "can_close": .bool(process.canClose)]
         }),
         "event_types": .array(eventTypes.map(JSONValue.string))]
    }
}
