import MetagovCore
import NIOCore
import PostgresNIO

/// PostgreSQL's failures in the store's terms.
enum PostgresFailure {
    /// The SQLSTATE of a server error, if `error` is one (as postgres-nio reports it or as translated).
    static func sqlState(_ error: any Error) -> String? {
        if case .server(let state, _) = error as? PostgresStoreError, !state.isEmpty { return state }
        guard let error = error as? PSQLError, error.code == .server else { return nil }
        return error.serverInfo?[.sqlState]
    }

    /// Whether the session is unusable after `error`: the connection broke, or the server ended the session.
    static func losesConnection(_ error: any Error) -> Bool {
        if let state = sqlState(error) { return unavailableStates(state) }
        guard let error = error as? PSQLError else { return error is ChannelError || error is IOError }
        return error.code != .server && error.code != .queryCancelled
    }

    /// `error` as the store reports it: serialization failures and deadlocks are conflicts (the caller's unit of
    /// work runs again), a lost or refused connection is ``StoreError/unavailable(_:)`` naming the server, any
    /// other server error is ``PostgresStoreError/server(sqlState:message:)``.
    static func translate(_ error: any Error, url: PostgresURL) -> any Error {
        if error is StoreError || error is PostgresStoreError { return error }
        if let state = sqlState(error) {
            let message = serverMessage(error)
            switch state {
            case "40001", "40P01": return StoreError.conflict("a concurrent transaction (\(message))")
            case _ where unavailableStates(state):
                return StoreError.unavailable("PostgreSQL at \(url.endpoint) is unavailable (\(message)); try again")
            default: return PostgresStoreError.server(sqlState: state, message: message)
            }
        }
        if losesConnection(error) {
            return StoreError.unavailable("lost the connection to PostgreSQL at \(url.endpoint) (\(reason(error))); try again")
        }
        return PostgresStoreError.server(sqlState: "", message: reason(error))
    }

    /// A short, password-free description of `error` (PSQLError's own description hides everything).
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if error.code == .server { return serverMessage(error) }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    /// SQLSTATE classes that mean "not now": connection exceptions (08), insufficient resources (53), operator
    /// intervention (57: the server shutting down, restarting, cancelling on admin request).
    private static func unavailableStates(_ state: String) -> Bool {
        state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P")
    }

    /// The detail of a server error (which row a constraint refused), if `error` is one.
    static func detail(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.detail]
    }

    private static func serverMessage(_ error: any Error) -> String {
        guard let info = (error as? PSQLError)?.serverInfo else { return "\(error)" }
        let message = info[.message] ?? "unknown error"
        return info[.detail].map { "\(message): \($0)" } ?? message
    }
}
