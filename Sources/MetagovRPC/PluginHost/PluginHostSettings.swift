import MetagovCore

/// How the gateway treats plugin hosts' streams.
struct PluginHostSettings: Sendable {
    /// Time between two pings on a stream.
    var pingInterval: Duration
    /// How long a ping may stay unanswered before the host is considered dead.
    var pingTimeout: Duration
    /// The largest InvocationResult accepted (the server's message size limit), told to hosts.
    var maxResultBytes: Int

    /// The settings of `core`'s configuration (`metagov.plugin_hosts.*`), with the server's message size limit.
    init(config: MetagovConfig, maxMessageSize: Int) {
        func duration(_ key: String, _ fallback: Double) -> Duration {
            .milliseconds(Int64((config.double(key) ?? fallback) * 1000))
        }
        pingInterval = duration(CoreConfig.pluginHostPingInterval, 5)
        pingTimeout = duration(CoreConfig.pluginHostPingTimeout, 10)
        maxResultBytes = maxMessageSize
    }
}
