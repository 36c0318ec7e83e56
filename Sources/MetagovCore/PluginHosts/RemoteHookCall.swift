/// Runs one hook of a remote plugin type the way an in-process hook runs: the invocation carries a snapshot
/// read from the hook's context, and the host's effects are applied to that context, so the unit of work
/// around it saves them (or, on a conflict, runs the hook again with a fresh snapshot; on an error, keeps
/// nothing).
struct RemoteHookCall: Sendable {
    let pluginType: String
    let router: PluginHostRouter

    /// Invokes `hook` for the context's instance (and `process`), applies what the host did, and returns the
    /// hook's return value; the host's failure is thrown as the caller should see it.
    func run(
        _ hook: RemoteHook, _ context: PluginContext, process: ProcessHandle? = nil,
        input: RemoteInvocation.Input = .none
    ) async throws -> JSONValue {
        let outcome = try await router.invoke(pluginType, hook) {
            // The whole state is read, so the unit of work checks all of it when it commits.
            let state = try await context.allState()
            return RemoteInvocation(
                hook: hook, instance: context.instance, state: state, process: process?.current,
                input: input, attempt: context.attempt)
        }
        switch outcome {
        case .failed(let failure):
            throw Self.error(failure, pluginType: pluginType)
        case .returned(let value, let effects):
            // A signature check only answers yes or no: whatever else it did is ignored.
            if hook != .verifySignature { try RemoteEffectsApplication(effects: effects, hook: hook).apply(to: context, process: process) }
            return value
        }
    }

    /// The error a caller gets for a host's failure: its code and message (INTERNAL as an in-process plugin's
    /// failure is reported), with the plugin's reason when it gave one.
    static func error(_ failure: RemotePluginFailure, pluginType: String) -> MetagovError {
        let message = failure.reason.isEmpty ? failure.message : "\(failure.message) (reason: \(failure.reason))"
        guard failure.code != .internal else { return MetagovError(.internal, "plugin '\(pluginType)' failed: \(message)") }
        return MetagovError(failure.code, message)
    }
}
