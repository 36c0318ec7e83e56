/// One connected plugin host, as its transport drives it: hand it the host's answers, and tell it when the
/// host drains or goes away. Created by ``PluginHostService/connect(hostName:definitions:maxInFlight:allowedTypes:link:)``.
package final class PluginHostSession: Sendable {
    /// The gateway's name for this connection ("host-3"), unique while the gateway runs.
    package let hostID: String
    /// The name the host gave itself (its `host_name`, else the host id), in messages.
    package let hostName: String
    /// The plugin types this connection serves, sorted.
    package let pluginTypes: [String]
    /// The most invocations in flight to it at once.
    package let maxInFlight: Int
    let key: Int
    let link: any PluginHostLink
    private let router: PluginHostRouter
    private let deadlines = Locked<Task<Void, Never>?>(nil)

    init(
        key: Int, hostName: String, pluginTypes: [String], maxInFlight: Int, link: any PluginHostLink,
        router: PluginHostRouter
    ) {
        self.key = key
        self.hostID = "host-\(key)"
        self.hostName = hostName.isEmpty ? "host-\(key)" : hostName
        self.pluginTypes = pluginTypes.sorted()
        self.maxInFlight = maxInFlight
        self.link = link
        self.router = router
    }

    /// Starts routing invocations to the host, and failing those it does not answer in time.
    func open() {
        router.add(self)
        let task = Task { [router, weak self] in
            while !Task.isCancelled, let session = self {
                let next = router.expire(session)
                let pause = Duration.milliseconds(100)
                let now = ContinuousClock.now
                let wake = next.map { min($0, now.advanced(by: pause)) } ?? now.advanced(by: pause)
                do { try await Task.sleep(until: wake, clock: .continuous) } catch { return }
            }
        }
        deadlines.withLock { $0 = task }
    }

    /// The host answered invocation `id`; false when the gateway no longer waits for it (unknown, answered
    /// already, past its deadline, or its caller gave up): the answer is dropped.
    @discardableResult
    package func received(_ id: UInt64, _ outcome: RemoteOutcome) -> Bool {
        router.finish(self, id, .success(outcome))
    }

    /// The host's answer to invocation `id` could not be used (malformed): the invocation fails with `error`.
    @discardableResult
    package func rejected(_ id: UInt64, _ error: MetagovError) -> Bool {
        router.finish(self, id, .failure(error))
    }

    /// The host is draining: it gets no new invocations; returns once every invocation sent to it has ended.
    package func drain() async {
        await router.drain(self)
    }

    /// Returns once the gateway shuts down; the transport then drains the host and ends its stream, so that
    /// hosts do not hold the shutdown for its whole grace period.
    package func gatewayShutdown() async {
        await router.waitForShutdown()
    }

    /// The host went away (its stream ended or it stopped answering pings): what it had in flight fails with
    /// UNAVAILABLE and nothing of it is applied.
    package func close() {
        deadlines.withLock { $0?.cancel() }
        router.remove(self)
    }
}
