import MetagovCore
import MetagovProto
import MetagovProtoJSON

extension Metagov_V1_Invocation {
    /// Invocation `id` of `invocation`, as sent to the host.
    init(id: UInt64, _ invocation: RemoteInvocation, deadlineMilliseconds: UInt64) {
        self.init()
        self.id = id
        self.deadlineMs = deadlineMilliseconds
        self.attempt = UInt32(clamping: invocation.attempt)
        self.plugin = Metagov_V1_PluginInstanceSnapshot(
            instance: Metagov_V1_PluginInstance(invocation.instance),
            state: invocation.state.mapValues(Google_Protobuf_Value.init(json:)))
        if let process = invocation.process {
            self.process = Metagov_V1_ProcessSnapshot(
                process: Metagov_V1_GovernanceProcess(process),
                state: process.state.dictionary.mapValues(Google_Protobuf_Value.init(json:)), version: process.version)
        }
        switch invocation.hook {
        case .initialize: self.kind = .initialize
        case .action(let slug):
            self.kind = .action
            self.action = slug
        case .processStart: self.kind = .processStart
        case .processUpdate: self.kind = .processUpdate
        case .processClose: self.kind = .processClose
        case .processReceiveWebhook: self.kind = .processReceiveWebhook
        case .webhookReceiver: self.kind = .webhookReceiver
        case .verifySignature: self.kind = .verifySignature
        case .periodicTask(let name):
            self.kind = .periodicTask
            self.task = name
        }
        switch invocation.input {
        case .none: break
        case .parameters(let parameters): self.input = .parameters(Google_Protobuf_Struct.wrapping(parameters) ?? .init())
        case .webhook(let request):
            self.input = .webhook(Metagov_V1_WebhookRequest(
                method: request.method, path: request.path,
                headers: request.headers.map { Metagov_V1_WebhookHeader(name: $0.name, value: $0.value) }, body: request.body))
        }
    }
}

extension RemoteOutcome {
    /// A host's answer as the core applies it; INTERNAL naming the first value the protocol does not allow.
    init(_ message: Metagov_V1_InvocationResult) throws {
        switch message.outcome {
        case .error(let error)?:
            self = .failed(RemotePluginFailure(code: Self.code(error.code), message: error.message, reason: error.reason))
        case .result(let value)?:
            self = .returned(value.json, try RemoteEffects(message.effects ?? .init()))
        case nil:
            self = .returned(.null, try RemoteEffects(message.effects ?? .init()))
        }
    }

    /// The core's code for a plugin error code (anything unknown is INTERNAL).
    private static func code(_ code: Metagov_V1_PluginErrorCode) -> MetagovError.Code {
        switch code {
        case .invalidArgument: return .invalidArgument
        case .notFound: return .notFound
        case .alreadyExists: return .alreadyExists
        case .permissionDenied: return .permissionDenied
        case .failedPrecondition: return .failedPrecondition
        case .unauthenticated: return .unauthenticated
        default: return .internal
        }
    }
}

extension RemoteEffects {
    init(_ message: Metagov_V1_InvocationEffects) throws {
        self.init()
        pluginStateSet = message.pluginStateSet.mapValues(\.json)
        pluginStateRemoved = message.pluginStateRemoved
        if case .communityPlatformId(let id)? = message.communityPlatformIdUpdate { communityPlatformID = .some(id.nonEmpty) }
        events = message.events.map { Event(eventType: $0.eventType, data: $0.data?.json ?? [:], initiator: $0.initiator?.json ?? [:]) }
        if let changes = message.process { process = try ProcessChanges(changes) }
        linkedAccounts = try message.linkedAccounts.map { link in
            guard let type = link.linkType.isEmpty ? .unknown : LinkType(rawValue: link.linkType) else {
                throw MetagovError(.internal, "link_type '\(link.linkType.prefix(40))' is not one of \(LinkType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let quality = link.linkQuality.isEmpty ? .unknown : LinkQuality(rawValue: link.linkQuality) else {
                throw MetagovError(.internal, "link_quality '\(link.linkQuality.prefix(40))' is not one of \(LinkQuality.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return LinkedAccountRequest(
                platformIdentifier: link.platformIdentifier, externalID: link.externalId == 0 ? nil : link.externalId,
                customData: link.customData?.json ?? [:], linkType: type, linkQuality: quality)
        }
    }
}

extension RemoteEffects.ProcessChanges {
    init(_ message: Metagov_V1_ProcessChanges) throws {
        self.init()
        if message.status != .unspecified {
            guard let status = message.status.domain else {
                throw MetagovError(.internal, "process status \(message.status.rawValue) is not CREATED, PENDING or COMPLETED")
            }
            self.status = status
        }
        outcome = message.outcome?.json
        errors = message.errors?.json
        if case .url(let url)? = message.urlUpdate { self.url = .some(url.nonEmpty) }
        stateSet = message.stateSet.mapValues(\.json)
        stateRemoved = message.stateRemoved
    }
}
