import Foundation
import MetagovCore

/// A vote whose winner is drawn at random once a delay has passed (Metagov's `delayed-stochastic-vote`).
enum DelayedStochasticVote {
    static let type = ProcessType(
        name: "delayed-stochastic-vote",
        description: "Picks a random winner among the options once `delay` minutes have passed",
        inputSchema: [
            "type": "object",
            "properties": [
                "options": ["type": "array", "items": ["type": "string"], "minItems": 1],
                "delay": ["type": "integer", "minimum": 0, "description": "Minutes to wait before closing"],
            ],
            "required": ["options", "delay"],
        ],
        outcomeSchema: [
            "type": "object",
            "properties": ["winner": ["type": ["string", "null"]]],
        ],
        start: { context, parameters in
            let delay = parameters["delay"]?.intValue ?? 0
            let closing = context.now().addingTimeInterval(TimeInterval(delay) * 60)
            context.process.setState("options", parameters["options"])
            context.process.setState("closing_at", .number(closing.timeIntervalSince1970))
            context.process.outcome = ["winner": nil]
            context.process.status = .pending
        },
        close: close,
        update: { context in
            guard let closing = context.process.state("closing_at")?.doubleValue,
                context.now().timeIntervalSince1970 >= closing
            else { return }
            try await close(context)
        }
    )

    @Sendable static func close(_ context: ProcessContext) async throws {
        let options = context.process.state("options")?.arrayValue ?? []
        var generator = KernelRandom()
        context.process.outcome = ["winner": options.randomElement(using: &generator) ?? .null]
        context.process.status = .completed
    }
}
