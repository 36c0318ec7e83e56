import ArgumentParser
import MetagovCore

package struct TickCommand: AsyncParsableCommand {
    package init() {}
    package static let configuration = CommandConfiguration(
        commandName: "tick", abstract: "Run one scheduler pass: periodic tasks, then update() of pending processes.")
    @OptionGroup var global: GlobalOptions

    package func run() async throws {
        let report = try await global.openCore().scheduler.tick()
        Output.print(["tasks_run": .integer(report.tasksRun), "processes_updated": .integer(report.processesUpdated),
                      "processes_completed": .integer(report.processesCompleted), "events_pruned": .integer(report.eventsPruned),
                      "failures": .array(report.failures.map(JSONValue.string))])
        if !report.failures.isEmpty { throw ExitCode(1) }
    }
}
