import Foundation
import NIOCore

/// How many processors this process may run on: the machine's (``System/coreCount``, which honours cgroup
/// quotas) limited by the CPU affinity mask (`taskset`, container cpusets), read from `/proc/self/status`.
/// The default number of event loop and handler threads, so a server pinned to one core does not run two
/// loop threads that take turns on it.
public enum AvailableProcessors {
    /// The processors available to this process (at least 1).
    public static let count: Int = {
        let machine = System.coreCount
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }),
            let allowed = cpuCount(list: String(line.dropFirst("Cpus_allowed_list:".count)))
        else { return max(machine, 1) }
        return max(1, min(machine, allowed))
    }()

    /// The number of CPUs in a Linux CPU list such as "0-3,8,10-11"; nil when it does not parse.
    public static func cpuCount(list: String) -> Int? {
        var total = 0
        for part in list.trimmingCharacters(in: .whitespaces).split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard let low = bounds.first.flatMap({ Int($0) }) else { return nil }
            switch bounds.count {
            case 1: total += 1
            case 2:
                guard let high = Int(bounds[1]), high >= low else { return nil }
                total += high - low + 1
            default: return nil
            }
        }
        return total > 0 ? total : nil
    }
}
