import CoreMetrics
import Synchronization

/// The core's metrics, through swift-metrics: no-ops unless the application bootstrapped a metrics backend
/// (`MetricsSystem.bootstrap`) before building the core, as `metagovd serve` does for `GET /metrics`.
final class CoreMetricHandles: Sendable {
    /// Scheduler passes, their duration, and the hooks that failed in them.
    let schedulerRuns = Counter(label: "metagov_scheduler_runs_total")
    let schedulerDuration = Timer(label: "metagov_scheduler_run_duration_seconds", preferredDisplayUnit: .seconds)
    let schedulerFailures = Counter(label: "metagov_scheduler_failures_total")
    /// Units of work whose commit found that what they read had changed (each runs its hook again).
    let unitConflicts = Counter(label: "metagov_store_conflicts_total")
    /// Hook runs after the first of a unit of work (runs caused by conflicts).
    let unitRetries = Counter(label: "metagov_store_retries_total")
    /// A unit of work's write, from queueing it to the commit that answered it (group commit included).
    let unitWrite = Timer(label: "metagov_store_write_duration_seconds", preferredDisplayUnit: .seconds)
    /// How many cursor positions a subscriber's batch was behind the newest event when it was read.
    let subscriberLag = Recorder(label: SubscriberLag.label)

    private let hooks = Mutex<[String: HookMetrics]>([:])

    /// The duration timer and error counter of `pluginType`'s hooks, made on first use.
    func hook(_ pluginType: String) -> HookMetrics {
        hooks.withLock { hooks in
            if let known = hooks[pluginType] { return known }
            let made = HookMetrics(pluginType: pluginType)
            hooks[pluginType] = made
            return made
        }
    }
}

/// The metrics of one plugin type's hooks (actions, process hooks, periodic tasks, webhook receivers).
struct HookMetrics: Sendable {
    let duration: Timer
    let errors: Counter

    init(pluginType: String) {
        duration = Timer(
            label: "metagov_plugin_hook_duration_seconds", dimensions: [("plugin", pluginType)], preferredDisplayUnit: .seconds)
        errors = Counter(label: "metagov_plugin_hook_errors_total", dimensions: [("plugin", pluginType)])
    }
}

extension Timer {
    /// Records the time elapsed since `start`.
    package func recordElapsed(since start: ContinuousClock.Instant) {
        let elapsed = (ContinuousClock.now - start).components
        recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }
}
