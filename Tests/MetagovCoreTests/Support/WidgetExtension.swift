import Foundation
import MetagovCore
import MetagovTestSupport

/// A plugin type exercising every hook the core offers, for the core's tests.
final class WidgetExtension: PluginTypeProvider {
    let name = "widget"

    func pluginTypes() -> [PluginType] {
        [
            PluginType("widget", description: "Test widget") {
                Config(
                    schema: [
                        "type": "object",
                        "properties": [
                            "token": ["type": "string"],
                            "team": ["type": "string"],
                            "color": ["type": "string", "default": "blue"],
                        ],
                        "required": ["token"],
                    ],
                    communityPlatformIDKey: "team")
                Emits("bumped")
                Initialize { context in
                    if context.config["token"]?.stringValue == "fail-init" { throw PluginError.internal("bad token") }
                    context.setState("initialized", true)
                }
                Action(
                    "echo", "Echo",
                    input: ["type": "object", "properties": ["message": ["type": "string"], "times": ["type": "integer", "default": 1]], "required": ["message"]],
                    isPublic: true
                ) { _, parameters in parameters }
                Action("bump", "Increment a counter and emit an event") { context, _ in
                    let count = (try await context.state("count")?.intValue ?? 0) + 1
                    context.setState("count", .integer(count))
                    try context.emit("bumped", data: ["count": .integer(count)], initiator: ["user_id": "tester"])
                    return ["count": .integer(count)]
                }
                Action("count", "Reads the counter bump increments, writing nothing") { context, _ in
                    ["count": .integer(try await context.state("count")?.intValue ?? 0)]
                }
                Action(
                    "bad-output", "Returns a result its schema rejects",
                    output: ["type": "object", "properties": ["value": ["type": "integer"]], "required": ["value"]]
                ) { context, _ in
                    context.setState("touched", true)
                    return ["value": "not a number"]
                }
                Action("boom", "Fails") { context, _ in
                    context.setState("touched", true)
                    try context.emit("bumped")
                    throw WidgetFault()
                }
                Action("reject", "Rejects its input") { _, _ in
                    throw PluginError.invalidInput("widgets do not like this input")
                }
                Action("undeclared-event", "Emits an undeclared event") { context, _ in
                    try context.emit("surprise")
                    return [:]
                }
                Action("complete", "Completes a decision process") { context, parameters in
                    let process = try await context.process(id: Int64(parameters["process_id"]?.intValue ?? 0))
                    process.status = .completed
                    process.outcome = ["decided": "by action"]
                    return [:]
                }
                ProcessType(
                    "decision", "A decision",
                    input: [
                        "type": "object",
                        "properties": ["question": ["type": "string"], "fail": ["type": "boolean", "default": false]],
                        "required": ["question"],
                    ]
                ) { context, parameters in
                    context.plugin.setState("started", true)
                    try context.plugin.emit("bumped")
                    if parameters["fail"]?.boolValue == true { throw PluginError.internal("could not start") }
                    context.process.setState("question", parameters["question"])
                    context.process.outcome = ["question": parameters["question"] ?? nil]
                    context.process.status = .pending
                } update: { context in
                    if try await context.plugin.state("ready")?.boolValue == true {
                        context.process.outcome = ["decided": "by update"]
                        context.process.status = .completed
                    }
                } close: { context in
                    context.process.outcome = ["decided": "yes"]
                    context.process.status = .completed
                } receiveWebhook: { context, request in
                    if request.json?["decide"]?.intValue == Int(context.process.id) {
                        context.process.outcome = ["decided": "by webhook"]
                        context.process.status = .completed
                    }
                }
                ProcessType("no-close", "Cannot be closed") { context, _ in
                    context.process.status = .pending
                }
                PeriodicTask { context in
                    let runs = (try await context.state("periodic_runs")?.intValue ?? 0) + 1
                    context.setState("periodic_runs", .integer(runs))
                }
                WebhookReceiver { context, request in
                    context.setState("last_webhook", request.json ?? .string(String(decoding: request.body, as: UTF8.self)))
                    if request.header("X-Fail") != nil { throw PluginError.invalidInput("rejected webhook") }
                }
            }
        ]
    }
}

struct WidgetFault: Error, CustomStringConvertible {
    var description: String { "the widget broke" }
}

/// A core with the given extensions (by default just the widget plugin type) over a fresh database (or a store
/// opened on `database`); with `hearsPeers: false`, one never told of other processes' commits.
func makeCore(
    _ extensions: [any MetagovExtension] = [WidgetExtension()], backend: StoreBackend = .sqlite,
    database: TestDatabase? = nil, clock: ManualClock = ManualClock(), raw: [String: String] = [:], hearsPeers: Bool = true
) throws -> Metagov {
    try makeTestCore(extensions, backend: backend, database: database, clock: clock, raw: raw, hearsPeers: hearsPeers)
}
