/// What a plugin command gets to work with: the core, opened on the configured database.
public struct CommandEnvironment: Sendable {
    public var metagov: Metagov
    /// Writes a line to standard output.
    public var print: @Sendable (String) -> Void

    public init(metagov: Metagov, print: @escaping @Sendable (String) -> Void) {
        self.metagov = metagov
        self.print = print
    }
}

/// A `metagovd` subcommand contributed by an extension.
public struct PluginCommand: Sendable {
    public var name: String
    public var abstract: String
    /// Runs the command with the arguments that follow its name; returns the process exit code.
    public var run: @Sendable (_ arguments: [String], CommandEnvironment) async throws -> Int32

    public init(name: String, abstract: String, run: @escaping @Sendable ([String], CommandEnvironment) async throws -> Int32) {
        self.name = name
        self.abstract = abstract
        self.run = run
    }
}

/// Adds `metagovd` subcommands (CKAN's `IClick`).
public protocol CommandProvider: MetagovExtension {
    func commands() -> [PluginCommand]
}
