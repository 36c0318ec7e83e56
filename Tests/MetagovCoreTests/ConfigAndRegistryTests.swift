import MetagovCore
import MetagovTestSupport
import Testing

final class ObserverExtension: PluginObserver {
    let name = "observer"
    let seen = Recorder<String>()
    func beforeLoad(_ extensionName: String) { seen.append("before load \(extensionName)") }
    func afterLoad(_ loaded: any MetagovExtension) { seen.append("after load \(loaded.name)") }
    func beforeUnload(_ loaded: any MetagovExtension) { seen.append("before unload \(loaded.name)") }
    func afterUnload(_ extensionName: String) { seen.append("after unload \(extensionName)") }
}

final class Declaring: ConfigDeclaring, Configurable {
    let name = "declaring"
    let received = Recorder<Int>()

    func declareConfig(_ declaration: inout ConfigDeclaration) {
        declaration.declare(ConfigOption(key: "declaring.limit", type: .int, defaultValue: "3", description: "A limit.\nSecond line."), section: "Declaring")
        declaration.declare(ConfigOption(key: "declaring.mode", defaultValue: "fast", description: "Mode",
                                         validator: { ["fast", "slow"].contains($0) ? nil : "must be fast or slow" }), section: "Declaring")
        declaration.declare(ConfigOption(key: "declaring.secret", description: "Optional secret"), section: "Declaring")
    }

    func configure(_ config: MetagovConfig) throws { received.append(config.int("declaring.limit") ?? -1) }
}

@Suite struct ConfigAndRegistryTests {
    @Test func registryLoadsInOrderAndAnswersInterfaces() async throws {
        let observer = ObserverExtension()
        let registry = try ExtensionRegistry(available: [WidgetExtension(), observer, Declaring()])
        try registry.load(["observer", "declaring", "widget"])
        #expect(registry.loaded.map(\.name) == ["observer", "declaring", "widget"])
        #expect(registry.implementations(of: (any PluginTypeProvider).self).map(\.name) == ["widget"])
        #expect(registry.implementations(of: (any ConfigDeclaring).self).map(\.name) == ["declaring"])
        registry.unload("widget")
        #expect(registry.loaded.map(\.name) == ["observer", "declaring"])
        #expect(observer.seen.items == [
            "after load observer", "before load declaring", "after load declaring", "before load widget",
            "after load widget", "before unload widget", "after unload widget",
        ])
        #expect(throws: MetagovError.self) { try registry.load(["missing"]) }
        #expect(throws: MetagovError.self) { _ = try ExtensionRegistry(available: [WidgetExtension(), WidgetExtension()]) }
    }

    @Test func declaredOptionsHaveDefaultsAndReachConfigurables() async throws {
        let declaring = Declaring()
        let core = try makeCore([WidgetExtension(), declaring], raw: ["declaring.limit": "7"])
        #expect(core.config.int("declaring.limit") == 7)
        #expect(core.config.string("declaring.mode") == "fast")
        #expect(core.config.string("declaring.secret") == nil)
        #expect(declaring.received.items == [7])
    }

    @Test func invalidValueNamesTheKey() async throws {
        for (raw, key) in [(["declaring.limit": "lots"], "declaring.limit"), (["declaring.mode": "medium"], "declaring.mode"),
                           ([CoreConfig.hookAttempts: "0"], CoreConfig.hookAttempts), ([CoreConfig.plugins: "widget ghost"], CoreConfig.plugins)] {
            let error = #expect(throws: ConfigError.self) { _ = try makeCore([WidgetExtension(), Declaring()], raw: raw) }
            #expect(error?.key == key)
        }
    }

    @Test func exampleConfigIsCommentedAndParsesBack() async throws {
        let registry = try ExtensionRegistry(available: [WidgetExtension(), Declaring()])
        try registry.load(["widget", "declaring"])
        let text = Metagov.configDeclaration(registry: registry).exampleConfig()
        #expect(text.contains("## Core"))
        #expect(text.contains("## Declaring"))
        #expect(text.contains("# A limit.\n# Second line.\n# (type: int, default: 3)\ndeclaring.limit = 3"))
        #expect(text.contains("# declaring.secret = "))
        let parsed = try ConfigSource.parse(text)
        #expect(parsed["declaring.limit"] == "3")
        #expect(parsed[CoreConfig.plugins] == "declaring widget")
        #expect(parsed["declaring.secret"] == nil)
    }

    @Test func configSourceReadsEnvironmentOverrides() async throws {
        let registry = try ExtensionRegistry(available: [Declaring()])
        try registry.load(["declaring"])
        let declaration = Metagov.configDeclaration(registry: registry)
        #expect(ConfigSource.environmentName(for: "declaring.limit") == "DECLARING_LIMIT")
        let raw = try ConfigSource.load(path: nil, declaration: declaration, environment: ["DECLARING_LIMIT": "9"])
        #expect(try MetagovConfig(declaration: declaration, raw: raw).int("declaring.limit") == 9)
        #expect(throws: ConfigError.self) { _ = try ConfigSource.parse("no equals sign here") }
    }
}
