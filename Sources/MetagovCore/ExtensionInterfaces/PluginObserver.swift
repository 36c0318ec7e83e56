/// Hooks into the loading of extensions (CKAN's `IPluginObserver`). Observers already loaded are told about
/// every extension loaded or unloaded after them, and about themselves.
public protocol PluginObserver: MetagovExtension {
    func beforeLoad(_ extensionName: String)
    func afterLoad(_ loaded: any MetagovExtension)
    func beforeUnload(_ loaded: any MetagovExtension)
    func afterUnload(_ extensionName: String)
}

extension PluginObserver {
    public func beforeLoad(_ extensionName: String) {}
    public func afterLoad(_ loaded: any MetagovExtension) {}
    public func beforeUnload(_ loaded: any MetagovExtension) {}
    public func afterUnload(_ extensionName: String) {}
}
