/// Names of the signals the core sends.
public enum SignalName {
    /// Sent after a process's status or outcome changed and was saved; payload `.process`, sender the
    /// plugin type name.
    public static let processUpdated = "process.updated"
    /// Sent after an event was appended to the log; payload `.event`, sender the plugin type name.
    public static let eventCreated = "event.created"
}

/// What a signal carries.
public enum SignalPayload: Sendable, Hashable {
    case process(GovernanceProcess)
    case event(Event)
    /// Free-form payload of a signal an extension defines.
    case custom(JSONValue)
}

/// A named notification (CKAN's `ISignal`, after blinker).
public struct Signal: Sendable, Hashable {
    public var name: String
    /// Who sent it (the plugin type name for the core's signals).
    public var sender: String
    public var payload: SignalPayload

    public init(name: String, sender: String, payload: SignalPayload) {
        self.name = name
        self.sender = sender
        self.payload = payload
    }
}

/// A listener on one signal, optionally only for one sender.
public struct SignalSubscription: Sendable {
    public var signal: String
    /// When set, only signals from this sender are delivered.
    public var sender: String?
    public var receiver: @Sendable (Signal) -> Void

    public init(signal: String, sender: String? = nil, receiver: @escaping @Sendable (Signal) -> Void) {
        self.signal = signal
        self.sender = sender
        self.receiver = receiver
    }
}
