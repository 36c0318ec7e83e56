/// Contributes Metagov plugin types (communities enable them, perform their actions, run their processes).
public protocol PluginTypeProvider: MetagovExtension {
    func pluginTypes() -> [PluginType]
}
