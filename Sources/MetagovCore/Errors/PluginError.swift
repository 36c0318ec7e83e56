/// Errors a plugin throws to say what went wrong in terms the caller understands.
///
/// Anything else a plugin throws is treated as a fault of the plugin and reported as an internal error
/// carrying the error's description.
public enum PluginError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The caller's input is unacceptable (e.g. `low` ≥ `high`): reported as invalid argument.
    case invalidInput(String)
    /// Something the caller referred to does not exist (e.g. an unknown process id): reported as not found.
    case notFound(String)
    /// The operation is not allowed in the current state (e.g. voting on a closed vote): failed precondition.
    case failedPrecondition(String)
    /// The plugin failed (e.g. the platform is unreachable): reported as internal, with this message.
    case `internal`(String)

    public var description: String {
        switch self {
        case .invalidInput(let m), .notFound(let m), .failedPrecondition(let m), .internal(let m): return m
        }
    }
}

extension MetagovError {
    /// Classifies an error thrown by plugin code of `plugin`.
    static func fromPlugin(_ error: any Error, plugin: String) -> MetagovError {
        switch error {
        case let error as MetagovError: return error
        case PluginError.invalidInput(let m): return .invalidArgument(m)
        case PluginError.notFound(let m): return .init(.notFound, m)
        case PluginError.failedPrecondition(let m): return .failedPrecondition(m)
        case PluginError.internal(let m): return .init(.internal, "plugin '\(plugin)' failed: \(m)")
        default: return .init(.internal, "plugin '\(plugin)' failed: \(error)")
        }
    }

    /// Translates a store failure into the API's terms.
    static func fromStore(_ error: StoreError) -> MetagovError {
        switch error {
        case .alreadyExists(let what): return .alreadyExists(what)
        case .notFound(let what): return .notFound(what)
        case .conflict(let what): return .init(.internal, "concurrent update of \(what) did not settle")
        case .unavailable(let message): return .init(.unavailable, message)
        }
    }
}
