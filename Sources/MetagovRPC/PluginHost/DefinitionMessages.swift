import MetagovCore
import MetagovProto
import MetagovProtoJSON

extension RemotePluginTypeDefinition {
    /// The definition a host registered; INVALID_ARGUMENT for values the protocol does not allow.
    init(_ message: Metagov_V1_PluginTypeDefinition) throws {
        let authType: AuthType
        switch message.authType {
        case "", "none": authType = .none
        case "api_key": authType = .apiKey
        case "oauth": authType = .oauth
        default:
            throw MetagovError.invalidArgument(
                "plugin type '\(message.name)': auth_type must be none, api_key or oauth, not '\(message.authType.prefix(40))'")
        }
        self.init(
            name: message.name, description: message.description, configSchema: Self.schema(message.configSchema),
            authType: authType, communityPlatformIDKey: message.communityPlatformIdKey.nonEmpty,
            actions: message.actions.map {
                Action(
                    slug: $0.slug, description: $0.description, inputSchema: Self.schema($0.inputSchema),
                    outputSchema: Self.schema($0.outputSchema), isPublic: $0.isPublic)
            },
            processes: message.processes.map {
                Process(
                    name: $0.name, description: $0.description, inputSchema: Self.schema($0.inputSchema),
                    outcomeSchema: Self.schema($0.outcomeSchema), hasClose: $0.hasClose, hasUpdate: $0.hasUpdate,
                    hasReceiveWebhook: $0.hasReceiveWebhook)
            },
            eventTypes: message.eventTypes.map { EventType(eventType: $0.eventType, schema: Self.schema($0.schema)) },
            acceptsUndeclaredEventTypes: message.acceptsUndeclaredEventTypes, hasInitialize: message.hasInitialize,
            hasWebhookReceiver: message.hasWebhookReceiver, hasSignatureVerifier: message.hasSignatureVerifier,
            periodicTasks: message.periodicTasks.map {
                PeriodicTaskDefinition(name: $0.name, intervalSeconds: Int($0.intervalSeconds))
            })
    }

    /// A schema field: unset or empty means none (any value).
    private static func schema(_ message: Google_Protobuf_Struct?) -> JSONValue? {
        guard let message, !message.fields.isEmpty else { return nil }
        return message.json
    }
}
