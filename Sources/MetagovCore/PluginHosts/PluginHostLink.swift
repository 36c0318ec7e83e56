/// The way to one connected plugin host, implemented by the transport (the `metagov.v1.PluginHost` service)
/// for each connection.
package protocol PluginHostLink: Sendable {
    /// Sends invocation `id` to the host; `deadlineMilliseconds` is how long the gateway waits for its answer
    /// (0: no limit). Throws when the connection is gone.
    func send(id: UInt64, _ invocation: RemoteInvocation, deadlineMilliseconds: UInt64) async throws
}
