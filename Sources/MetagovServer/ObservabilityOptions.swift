import ArgumentParser
import Logging

/// `metagovd serve`'s logs and metrics options.
struct ObservabilityOptions: ParsableArguments {
    @Option(name: .customLong("log-format"), help: "Log lines as text or json (one object per line), on standard error.")
    var logFormat: LogFormat = .text

    @Option(name: .customLong("log-level"), help: "Least severe level logged: trace, debug, info (one line per call), notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Flag(name: .customLong("metrics-public"), help: "Serve GET /metrics to anyone (default: an admin token is needed).")
    var metricsPublic = false

    @Flag(name: .customLong("no-metrics"), help: "Record no metrics and serve no /metrics.")
    var noMetrics = false
}

extension LogFormat: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
