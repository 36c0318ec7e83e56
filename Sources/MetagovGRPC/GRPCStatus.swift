/// A gRPC status: a code plus an optional human-readable message.
///
/// Handlers throw it to end a call with a specific status; clients receive non-OK statuses
/// as thrown `GRPCStatus` values. On the wire the message travels percent-encoded in the
/// `grpc-message` trailer, so any Unicode text round-trips.
public struct GRPCStatus: Error, Sendable, Hashable, CustomStringConvertible {
    /// The canonical gRPC status codes.
    public enum Code: Int, Sendable, CustomStringConvertible {
        case ok = 0
        case cancelled
        case unknown
        case invalidArgument
        case deadlineExceeded
        case notFound
        case alreadyExists
        case permissionDenied
        case resourceExhausted
        case failedPrecondition
        case aborted
        case outOfRange
        case unimplemented
        case `internal`
        case unavailable
        case dataLoss
        case unauthenticated

        /// The canonical upper-case name, e.g. `DEADLINE_EXCEEDED`.
        public var description: String {
            switch self {
            case .ok: return "OK"
            case .cancelled: return "CANCELLED"
            case .unknown: return "UNKNOWN"
            case .invalidArgument: return "INVALID_ARGUMENT"
            case .deadlineExceeded: return "DEADLINE_EXCEEDED"
            case .notFound: return "NOT_FOUND"
            case .alreadyExists: return "ALREADY_EXISTS"
            case .permissionDenied: return "PERMISSION_DENIED"
            case .resourceExhausted: return "RESOURCE_EXHAUSTED"
            case .failedPrecondition: return "FAILED_PRECONDITION"
            case .aborted: return "ABORTED"
            case .outOfRange: return "OUT_OF_RANGE"
            case .unimplemented: return "UNIMPLEMENTED"
            case .internal: return "INTERNAL"
            case .unavailable: return "UNAVAILABLE"
            case .dataLoss: return "DATA_LOSS"
            case .unauthenticated: return "UNAUTHENTICATED"
            }
        }
    }

    /// The status code.
    public var code: Code
    /// A developer-facing message (may be empty).
    public var message: String

    /// Creates a status with `code` and an optional `message`.
    public init(_ code: Code, _ message: String = "") {
        self.code = code
        self.message = message
    }

    /// `OK` with no message.
    public static let ok = GRPCStatus(.ok)

    public var description: String {
        self.message.isEmpty ? "\(self.code)" : "\(self.code): \(self.message)"
    }

    /// Parses a `grpc-status` value. Unknown or malformed values map to `.unknown`.
    static func code(fromWire value: String?) -> Code? {
        guard let value, let raw = Int(value) else { return nil }
        return Code(rawValue: raw) ?? .unknown
    }

    /// Maps an arbitrary error thrown by a handler to the status sent to the client.
    static func from(_ error: any Error) -> GRPCStatus {
        if let status = error as? GRPCStatus { return status }
        if error is CancellationError { return GRPCStatus(.cancelled, "call cancelled") }
        return GRPCStatus(.unknown, "handler threw \(type(of: error))")
    }

    /// gRPC status for a non-200 HTTP response (gRPC's http-grpc-status-mapping).
    static func fromHTTPStatus(_ status: String) -> GRPCStatus {
        let code: Code
        switch status {
        case "400": code = .internal
        case "401": code = .unauthenticated
        case "403": code = .permissionDenied
        case "404": code = .unimplemented
        case "429", "502", "503", "504": code = .unavailable
        default: code = .unknown
        }
        return GRPCStatus(code, "HTTP status \(status)")
    }
}
