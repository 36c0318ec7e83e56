/// An extension (CKAN's "plugin"): a Swift type loaded by the ``ExtensionRegistry`` that adds behaviour by
/// conforming to interface protocols such as ``PluginTypeProvider``, ``ActionProvider``,
/// ``AuthFunctionProvider``, ``SignalSubscriber`` or ``ModificationObserver``.
///
/// One instance of each extension is loaded (CKAN's `SingletonPlugin`). Extensions must be `Sendable`: they are
/// called from many tasks at once.
public protocol MetagovExtension: AnyObject, Sendable {
    /// Unique name used in the `metagov.plugins` configuration list.
    var name: String { get }
}
