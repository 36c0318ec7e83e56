import MetagovCore
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

// Domain values of the core → their API messages.

extension Metagov_V1_Community {
    init(_ details: CommunityDetails) { self.init(details.community, plugins: details.plugins) }

    init(_ community: Community, plugins: [PluginInstance]) {
        self.init(
            slug: community.slug, readableName: community.readableName,
            plugins: plugins.map(Metagov_V1_PluginInstance.init),
            createdAt: .init(community.createdAt), updatedAt: .init(community.updatedAt))
    }
}

extension Metagov_V1_PluginInstance {
    init(_ instance: PluginInstance) {
        self.init(
            id: instance.id, name: instance.name, community: instance.community,
            communityPlatformId: instance.communityPlatformID ?? "", config: .wrapping(instance.config),
            createdAt: .init(instance.createdAt), updatedAt: .init(instance.updatedAt))
    }
}

extension Metagov_V1_PluginType {
    init(_ info: PluginTypeInfo) {
        self.init(
            name: info.name, description: info.description, configSchema: .wrapping(info.configSchema),
            authType: info.authType.rawValue,
            actions: info.actions.map {
                Metagov_V1_ActionType(
                    slug: $0.slug, description: $0.description, inputSchema: .wrapping($0.inputSchema),
                    outputSchema: .wrapping($0.outputSchema), isPublic: $0.isPublic)
            },
            processes: info.processes.map {
                Metagov_V1_ProcessType(
                    name: $0.name, description: $0.description, inputSchema: .wrapping($0.inputSchema),
                    outcomeSchema: .wrapping($0.outcomeSchema), canClose: $0.canClose)
            },
            eventTypes: info.eventTypes, communityPlatformIdKey: info.communityPlatformIDKey ?? "")
    }
}

extension Metagov_V1_ProcessStatus {
    init(_ status: ProcessStatus) {
        switch status {
        case .created: self = .created
        case .pending: self = .pending
        case .completed: self = .completed
        }
    }

    /// The core status; nil for UNSPECIFIED (no filter) and unknown values.
    var domain: ProcessStatus? {
        switch self {
        case .created: return .created
        case .pending: return .pending
        case .completed: return .completed
        default: return nil
        }
    }
}

extension Metagov_V1_GovernanceProcess {
    init(_ process: GovernanceProcess) {
        self.init(
            id: process.id, community: process.community, plugin: process.plugin, name: process.name,
            status: .init(process.status), outcome: .wrapping(process.outcome), errors: .wrapping(process.errors),
            url: process.url ?? "", callbackUrl: process.callbackURL ?? "",
            createdAt: .init(process.createdAt), updatedAt: .init(process.updatedAt))
    }
}

extension Metagov_V1_Event {
    init(_ event: Event) {
        self.init(event, data: .wrapping(event.data), initiator: .wrapping(event.initiator))
    }

    /// `event`'s other fields with these `data` and `initiator`.
    private init(_ event: Event, data: Google_Protobuf_Struct?, initiator: Google_Protobuf_Struct?) {
        self.init(
            cursor: UInt64(max(0, event.cursor)), community: event.community, source: event.source,
            eventType: event.eventType, timestamp: .init(event.timestamp), data: data, initiator: initiator)
    }

    /// The encoding of `Metagov_V1_Event(event)`; an event read from the store has its JSON texts written to the
    /// wire as they are (fields 6 and 7 after the others), without being parsed.
    static func encoding(of event: Event) throws -> [UInt8] {
        guard let stored = event.storedJSON else { return Metagov_V1_Event(event).serializedBytes() }
        var bytes = Metagov_V1_Event(event, data: nil, initiator: nil).serializedBytes()
        try Google_Protobuf_Struct.append(wrappingJSONText: stored.data, asField: 6, to: &bytes)
        try Google_Protobuf_Struct.append(wrappingJSONText: stored.initiator, asField: 7, to: &bytes)
        return bytes
    }
}

extension Metagov_V1_LinkedAccount {
    init(_ account: LinkedAccount) {
        self.init(
            externalId: account.externalID, community: account.community, platformType: account.platformType,
            platformIdentifier: account.platformIdentifier, communityPlatformId: account.communityPlatformID ?? "",
            customData: .wrapping(account.customData), linkType: account.linkType.rawValue,
            linkQuality: account.linkQuality.rawValue)
    }
}

extension Metagov_V1_User {
    init(_ user: User) {
        self.init(externalId: user.externalID, linkedAccounts: user.linkedAccounts.map(Metagov_V1_LinkedAccount.init))
    }
}
