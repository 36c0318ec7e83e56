import MetagovAdmin
import MetagovCore
import MetagovPlugins

/// Builds a `metagovd` executable: the server and every admin command, with extensions of your own loaded
/// beside the built-in ones. A third party's package writes, in its executable target:
///
/// ```swift
/// import MetagovServer
///
/// await MetagovServer.main(extensions: [MyExtension()])
/// ```
///
/// and gets `serve`, the admin commands (`community`, `plugin`, `token`, ...) and the subcommands its own
/// ``CommandProvider`` extensions add. `metagovd` itself is exactly this call with no extra extensions.
public enum MetagovServer {
    /// Runs `metagovd` with the process's arguments, then exits.
    ///
    /// - Parameters:
    ///   - extensions: extensions to load beside the built-in ones (`randomness`, `poll`, `inbound`), after
    ///     them in the default load order; the `metagov.plugins` configuration key chooses which are loaded.
    ///   - includingBuiltins: false leaves the built-in extensions out entirely.
    public static func main(extensions: [any MetagovExtension] = [], includingBuiltins: Bool = true) async {
        CoreBootstrap.install((includingBuiltins ? BuiltinExtensions.all() : []) + extensions)
        await MetagovdCommand.entryPoint()
    }
}
