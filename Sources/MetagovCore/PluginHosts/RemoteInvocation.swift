/// The hook an invocation runs on a plugin host.
package enum RemoteHook: Sendable, Hashable {
    case initialize
    case action(slug: String)
    case processStart
    case processUpdate
    case processClose
    case processReceiveWebhook
    case webhookReceiver
    case verifySignature
    case periodicTask(name: String)

    /// Whether the hook runs for a governance process (the invocation carries one, and its result may change it).
    package var hasProcess: Bool {
        switch self {
        case .processStart, .processUpdate, .processClose, .processReceiveWebhook: return true
        default: return false
        }
    }

    /// The hook in words, for messages: "action 'bump'", "process start", ...
    package var description: String {
        switch self {
        case .initialize: return "initialize"
        case .action(let slug): return "action '\(slug)'"
        case .processStart: return "process start"
        case .processUpdate: return "process update"
        case .processClose: return "process close"
        case .processReceiveWebhook: return "process receive_webhook"
        case .webhookReceiver: return "webhook receiver"
        case .verifySignature: return "webhook signature check"
        case .periodicTask(let name): return "periodic task '\(name)'"
        }
    }
}

/// What the gateway sends a plugin host to run one hook: a snapshot of everything the hook may read.
package struct RemoteInvocation: Sendable {
    package enum Input: Sendable {
        case none
        /// An action's or a process start's validated parameters.
        case parameters(JSONValue)
        case webhook(WebhookRequest)
    }

    package var hook: RemoteHook
    package var instance: PluginInstance
    /// The instance's state when read.
    package var state: [String: JSONValue]
    /// The process (with its state and version), for the process hooks.
    package var process: GovernanceProcess?
    package var input: Input
    /// 1 for the first run of this hook call; more after write conflicts.
    package var attempt: Int

    package init(
        hook: RemoteHook, instance: PluginInstance, state: [String: JSONValue],
        process: GovernanceProcess?, input: Input, attempt: Int
    ) {
        self.hook = hook
        self.instance = instance
        self.state = state
        self.process = process
        self.input = input
        self.attempt = attempt
    }
}

/// A plugin host's answer to one invocation.
package enum RemoteOutcome: Sendable {
    /// The hook returned `value` (`.null` for nothing) after doing `effects`.
    case returned(JSONValue, RemoteEffects)
    /// The hook failed; nothing of it is applied.
    case failed(RemotePluginFailure)
}

/// A hook's failure as a plugin host reports it.
package struct RemotePluginFailure: Sendable, Hashable {
    /// How the caller is answered (the host's gRPC code, mapped to the core's codes).
    package var code: MetagovError.Code
    package var message: String
    /// A machine-readable reason (Metagov's error codes), "" when none.
    package var reason: String

    package init(code: MetagovError.Code, message: String, reason: String) {
        self.code = code
        self.message = message
        self.reason = reason
    }
}

/// Everything a hook did, applied by the gateway as one unit of work.
package struct RemoteEffects: Sendable {
    package var pluginStateSet: [String: JSONValue] = [:]
    package var pluginStateRemoved: [String] = []
    /// The instance's new community platform id (`.some(nil)`: cleared); `nil`: unchanged.
    package var communityPlatformID: String??
    package var events: [Event] = []
    package var process: ProcessChanges?
    package var linkedAccounts: [LinkedAccountRequest] = []

    package init() {}

    /// An event the hook sends to drivers.
    package struct Event: Sendable {
        package var eventType: String
        package var data: JSONValue
        package var initiator: JSONValue

        package init(eventType: String, data: JSONValue, initiator: JSONValue) {
            self.eventType = eventType
            self.data = data
            self.initiator = initiator
        }
    }

    /// Changes to the invocation's process; `nil` fields are unchanged.
    package struct ProcessChanges: Sendable {
        package var status: ProcessStatus?
        package var outcome: JSONValue?
        package var errors: JSONValue?
        /// The new url (`.some(nil)`: cleared).
        package var url: String??
        package var stateSet: [String: JSONValue] = [:]
        package var stateRemoved: [String] = []

        package init() {}
    }

    /// A platform account to link to a person (Metagov's `add_linked_account`).
    package struct LinkedAccountRequest: Sendable {
        package var platformIdentifier: String
        /// The metagov id to link to; `nil` makes a new one.
        package var externalID: Int64?
        package var customData: JSONValue
        package var linkType: LinkType
        package var linkQuality: LinkQuality

        package init(
            platformIdentifier: String, externalID: Int64?, customData: JSONValue, linkType: LinkType,
            linkQuality: LinkQuality
        ) {
            self.platformIdentifier = platformIdentifier
            self.externalID = externalID
            self.customData = customData
            self.linkType = linkType
            self.linkQuality = linkQuality
        }
    }
}
