import ArgumentParser
import MetagovCore

package struct ConfigCommand: ParsableCommand {
    package init() {}
    package static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Configuration tools.", subcommands: [Declaration.self, Check.self])

    struct Declaration: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every declared option as a commented example configuration file.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let (registry, _) = try CoreBootstrap.load(configPath: global.configPath)
            print(Metagov.configDeclaration(registry: registry).exampleConfig())
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration (file and environment) and print the resolved values.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let (_, config) = try CoreBootstrap.load(configPath: global.configPath)
            var values = config.values
            // A database URL is shown without its password.
            if let database = values[CoreConfig.database] { values[CoreConfig.database] = try DatabaseLocation(database).description }
            Output.print(.object(JSONObject(values.mapValues(JSONValue.string))))
        }
    }
}
