import Foundation
import MetagovServer

/// An extension with one plugin type, `hello`, and an interceptor: the shape of a third party's extension.
///
/// - the action `hello.greet` answers with the configured greeting and sends a `greeted` event to drivers;
/// - the process `hello.timed-decision` asks a question, stays pending until its closing time (the scheduler's
///   `update` closes it then), or until a driver closes it early; its outcome says how it was decided;
/// - ``BlockedCallsInterceptor`` refuses any call that carries `x-hello-block: yes`.
public final class HelloExtension: PluginTypeProvider, InterceptorProvider {
    public let name = "hello"

    public init() {}

    public func pluginTypes() -> [PluginType] { [Self.hello] }

    public func interceptors() -> [any ServerInterceptor] { [BlockedCallsInterceptor()] }

    static let hello = PluginType("hello", description: "Greets people and takes timed decisions.") {
        Config(schema: [
            "type": "object",
            "properties": ["greeting": ["type": "string", "default": "Hello", "minLength": 1]],
        ])

        Emits("greeted")

        Action(
            "greet", "Greets someone by name and tells drivers about it",
            input: ["type": "object", "properties": ["name": ["type": "string", "minLength": 1]], "required": ["name"]],
            output: ["type": "object", "properties": ["text": ["type": "string"]], "required": ["text"]]
        ) { context, parameters in
            let name = parameters["name"]?.stringValue ?? ""
            try context.emit("greeted", data: ["name": .string(name)], initiator: ["name": .string(name)])
            return ["text": .string("\(context.config["greeting"]?.stringValue ?? "Hello"), \(name)!")]
        }

        ProcessType(
            "timed-decision", "A question decided when its time is up, or earlier when closed",
            input: [
                "type": "object",
                "properties": [
                    "question": ["type": "string", "minLength": 1],
                    "minutes": ["type": "integer", "minimum": 0, "default": 60],
                ],
                "required": ["question"],
            ],
            outcome: ["type": "object", "properties": ["question": ["type": "string"], "decided": ["type": "string"]]]
        ) { decision, parameters in
            let closesAt = decision.now().addingTimeInterval(TimeInterval(parameters["minutes"]?.intValue ?? 60) * 60)
            decision.process.setState("question", parameters["question"])
            decision.process.setState("closes_at", .number(closesAt.timeIntervalSince1970))
            decision.process.status = .pending
        } update: { decision in
            guard let closesAt = decision.process.state("closes_at")?.doubleValue,
                decision.now().timeIntervalSince1970 >= closesAt
            else { return }
            decide(decision, how: "when its time was up")
        } close: { decision in
            decide(decision, how: "closed early")
        }
    }

    private static func decide(_ decision: ProcessContext, how: String) {
        decision.process.outcome = ["question": decision.process.state("question") ?? .null, "decided": .string(how)]
        decision.process.status = .completed
    }
}

/// Refuses calls that carry `x-hello-block: yes` with PERMISSION_DENIED; lets every other call through.
public struct BlockedCallsInterceptor: ServerInterceptor {
    public init() {}

    public func intercept(_ context: ServerCallContext, next: @Sendable () async throws -> Void) async throws {
        if context.metadata["x-hello-block"] == "yes" {
            throw GRPCStatus(.permissionDenied, "blocked by the hello extension: \(context.path)")
        }
        try await next()
    }
}
