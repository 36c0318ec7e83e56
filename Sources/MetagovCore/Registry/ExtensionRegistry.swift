/// Loads extensions in a configured order and answers which loaded extensions implement an interface
/// (CKAN's plugin manager).
public final class ExtensionRegistry: Sendable {
    private let available: [String: any MetagovExtension]
    private let loadedList = Locked<[any MetagovExtension]>([])

    /// Makes the extensions in `available` loadable by name. Names must be unique.
    public init(available: [any MetagovExtension]) throws {
        var byName: [String: any MetagovExtension] = [:]
        for candidate in available {
            guard byName[candidate.name] == nil else {
                throw MetagovError.alreadyExists("extension '\(candidate.name)'")
            }
            byName[candidate.name] = candidate
        }
        self.available = byName
    }

    /// Names of every extension that can be loaded, sorted.
    public var availableNames: [String] { available.keys.sorted() }

    /// The loaded extensions, in load order.
    public var loaded: [any MetagovExtension] { loadedList.value }

    /// Loads the named extensions in order, notifying ``PluginObserver``s. Unknown names are an error that
    /// names them; an extension already loaded stays where it is.
    public func load(_ names: [String]) throws {
        for name in names {
            guard let ext = available[name] else {
                throw MetagovError.notFound("extension '\(name)' (available: \(availableNames.joined(separator: ", ")))")
            }
            if loaded.contains(where: { $0 === ext }) { continue }
            for observer in implementations(of: (any PluginObserver).self) { observer.beforeLoad(name) }
            loadedList.withLock { $0.append(ext) }
            for observer in implementations(of: (any PluginObserver).self) { observer.afterLoad(ext) }
        }
    }

    /// Unloads the named extension, notifying ``PluginObserver``s (itself included, if it is one).
    public func unload(_ name: String) {
        guard let ext = loaded.first(where: { $0.name == name }) else { return }
        for observer in implementations(of: (any PluginObserver).self) { observer.beforeUnload(ext) }
        loadedList.withLock { $0.removeAll { $0 === ext } }
        for observer in implementations(of: (any PluginObserver).self) { observer.afterUnload(name) }
        if let observer = ext as? any PluginObserver { observer.afterUnload(name) }
    }

    /// The loaded extensions that conform to `interface`, in load order.
    public func implementations<Interface>(of interface: Interface.Type) -> [Interface] {
        loaded.compactMap { $0 as? Interface }
    }
}
