import MetagovCore
import Synchronization

/// Start-up shared by every command: extensions, configuration, the core.
public enum CoreBootstrap {
    private static let installed = Mutex<[any MetagovExtension]>([])

    /// Sets the extensions this executable can load (`MetagovServer.main` installs the built-in ones and
    /// the caller's); which of them are loaded, in which order, is the `metagov.plugins` configuration.
    public static func install(_ extensions: [any MetagovExtension]) {
        installed.withLock { $0 = extensions }
    }

    /// Every extension this executable can load (see ``install(_:)``).
    public static func availableExtensions() -> [any MetagovExtension] { installed.withLock { $0 } }

    /// Reads and validates the configuration, then loads the configured extensions in order. An invalid
    /// value stops start-up with a ``ConfigError`` naming the key.
    public static func load(configPath: String?) throws -> (ExtensionRegistry, MetagovConfig) {
        let registry = try ExtensionRegistry(available: availableExtensions())
        let preliminary = Metagov.configDeclaration(registry: registry)
        let raw = try ConfigSource.load(path: configPath, declaration: preliminary)
        let names = try MetagovConfig(declaration: preliminary, raw: raw).list(CoreConfig.plugins) ?? registry.availableNames
        try registry.load(names)
        // Loaded extensions may declare more options; validate against the full declaration.
        let declaration = Metagov.configDeclaration(registry: registry)
        let config = try MetagovConfig(declaration: declaration, raw: ConfigSource.load(path: configPath, declaration: declaration))
        return (registry, config)
    }
}
