import MetagovCore
import MetagovTestSupport

/// A third-party extension written only against MetagovCore's public API, as an outside developer would:
/// it chains the built-in `randomness.random-int` action, adds an action to the `randomness` plugin type,
/// guards actions with auth functions, listens to signals, observes modifications, declares a config key,
/// provides a named validator and adds a `metagovd` subcommand.
final class AuditExtension: ActionProvider, AuthFunctionProvider, SignalSubscriber, ModificationObserver,
    ConfigDeclaring, Configurable, ValidatorProvider, CommandProvider
{
    let name = "audit"
    let completedProcesses = Recorder<Int64>()
    let newObjects = Recorder<String>()
    let callLog = Recorder<String>()
    private let limit = Recorder<Int>()

    /// The configured `audit.max_high`.
    var maxHigh: Int { limit.items.last ?? 100 }

    // ConfigDeclaring + Configurable
    func declareConfig(_ declaration: inout ConfigDeclaration) {
        declaration.declare(
            ConfigOption(key: "audit.max_high", type: .int, defaultValue: "100", description: "Largest `high` random-int accepts."),
            section: "Audit extension")
    }

    func configure(_ config: MetagovConfig) throws { limit.append(config.int("audit.max_high") ?? 100) }

    // ActionProvider
    func chainedActions() -> [ChainedAction] {
        [
            ChainedAction(action: "randomness.random-int") { [self] next, context, parameters in
                callLog.append("audit before")
                if let high = parameters["high"]?.intValue, high > maxHigh {
                    throw PluginError.invalidInput("audit: high \(high) exceeds \(maxHigh)")
                }
                var input = parameters
                if parameters["low"] == nil, case .object(var object) = input {
                    object["low"] = 0
                    input = .object(object)
                }
                guard case .object(var result) = try await next(context, input) else { return [:] }
                result["audited"] = true
                callLog.append("audit after")
                return .object(result)
            }
        ]
    }

    func actions() -> [ProvidedAction] {
        [
            ProvidedAction(
                pluginType: "randomness",
                definition: ActionDefinition(
                    slug: "even-check", description: "Accepts even numbers only",
                    inputSchema: ["type": "object", "properties": ["n": ["type": "integer", "format": "even"]], "required": ["n"]],
                    isPublic: true
                ) { _, parameters in ["n": parameters["n"] ?? nil, "ok": true] })
        ]
    }

    // ValidatorProvider
    func validators() -> [String: NamedValidator] {
        ["even": { value in
            guard let n = value.intValue else { return nil }
            return n % 2 == 0 ? nil : "\(n) is not even"
        }]
    }

    // AuthFunctionProvider
    func authFunctions() -> [String: AuthFunction] {
        ["randomness.random-int": AuthFunction { context, _ in
            context.user == "alice" ? .allow : .deny("only alice may draw numbers")
        }]
    }

    func chainedAuthFunctions() -> [ChainedAuthFunction] {
        [ChainedAuthFunction(action: "randomness.set-lucky-number", allowsAnonymous: true) { next, context, data in
            if data["lucky_number"] == 13 { return .deny("13 is unlucky") }
            if context.isAnonymous { return .allow }
            return try await next(context, data)
        }]
    }

    // SignalSubscriber
    func signalSubscriptions() -> [SignalSubscription] {
        [SignalSubscription(signal: SignalName.processUpdated, sender: "randomness") { [completedProcesses] signal in
            if case .process(let process) = signal.payload, process.status == .completed {
                completedProcesses.append(process.id)
            }
        }]
    }

    // ModificationObserver
    func notify(_ modification: Modification) {
        guard modification.kind == .new else { return }
        switch modification.object {
        case .community(let community): newObjects.append("community \(community.slug)")
        case .plugin(let plugin): newObjects.append("plugin \(plugin.name)")
        case .process(let process): newObjects.append("process \(process.name)")
        }
    }

    // CommandProvider
    func commands() -> [PluginCommand] {
        [PluginCommand(name: "audit-report", abstract: "Count communities") { arguments, environment in
            let count = try await environment.metagov.communities.list(pageSize: 1000).items.count
            environment.print("communities: \(count) \(arguments.joined(separator: " "))")
            return 0
        }]
    }
}
