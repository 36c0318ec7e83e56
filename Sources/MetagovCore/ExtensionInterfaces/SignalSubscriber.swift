/// Listens to named signals (CKAN's `ISignal`).
public protocol SignalSubscriber: MetagovExtension {
    func signalSubscriptions() -> [SignalSubscription]
}
