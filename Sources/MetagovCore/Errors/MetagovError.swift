/// A failure of a core operation, classified the way the API reports it.
///
/// Every case carries the message shown to the caller; transports map ``code`` to their own status codes
/// (gRPC: NOT_FOUND, INVALID_ARGUMENT, ...).
public struct MetagovError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable {
        case invalidArgument = "invalid argument"
        case notFound = "not found"
        case alreadyExists = "already exists"
        case failedPrecondition = "failed precondition"
        case permissionDenied = "permission denied"
        case unauthenticated
        case outOfRange = "out of range"
        /// Something the operation needs is not reachable now (the database is locked by another process, no
        /// plugin host serves the type); retrying later may work.
        case unavailable
        /// The operation did not finish in time (e.g. a plugin host did not answer before the deadline).
        case deadlineExceeded = "deadline exceeded"
        /// A plugin or the server itself failed; the message says how.
        case `internal`
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// "community 'x' not found", "plugin type 'p' not found", ...
    public static func notFound(_ what: String) -> MetagovError { .init(.notFound, "\(what) not found") }

    /// "community 'x' already exists", ...
    public static func alreadyExists(_ what: String) -> MetagovError { .init(.alreadyExists, "\(what) already exists") }

    public static func invalidArgument(_ message: String) -> MetagovError { .init(.invalidArgument, message) }

    public static func failedPrecondition(_ message: String) -> MetagovError { .init(.failedPrecondition, message) }

    /// Schema validation failures of `subject` (e.g. "parameters"), message starting "Validation error".
    public static func validation(_ subject: String, _ errors: [JSONSchemaError]) -> MetagovError {
        let details = errors.map { $0.description }.joined(separator: "; ")
        return .init(.invalidArgument, "Validation error in \(subject): \(details)")
    }
}
