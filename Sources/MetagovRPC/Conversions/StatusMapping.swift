import MetagovCore
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

extension GRPCStatus {
    /// The gRPC status of a core failure (the codes map one to one).
    init(_ error: MetagovError) {
        let code: GRPCStatus.Code
        switch error.code {
        case .invalidArgument: code = .invalidArgument
        case .notFound: code = .notFound
        case .alreadyExists: code = .alreadyExists
        case .failedPrecondition: code = .failedPrecondition
        case .permissionDenied: code = .permissionDenied
        case .unauthenticated: code = .unauthenticated
        case .outOfRange: code = .outOfRange
        case .unavailable: code = .unavailable
        case .deadlineExceeded: code = .deadlineExceeded
        case .internal: code = .internal
        }
        self.init(code, error.message)
    }

    /// The status a handler failure is reported with: core errors by their code, statuses as they are,
    /// cancellation as CANCELLED, anything else INTERNAL with its description (never a crash).
    static func reporting(_ error: any Error) -> GRPCStatus {
        switch error {
        case let status as GRPCStatus: return status
        case let error as MetagovError: return GRPCStatus(error)
        case is CancellationError: return GRPCStatus(.cancelled, "call cancelled")
        default: return GRPCStatus(.internal, "\(error)")
        }
    }
}

/// Runs a handler body, reporting its failure as a gRPC status.
func rpc<Result>(_ body: () async throws -> Result) async throws(GRPCStatus) -> Result {
    do {
        return try await body()
    } catch {
        throw GRPCStatus.reporting(error)
    }
}

/// A page size from a request: 0 means the server's default; negative is invalid.
func pageSize(_ value: Int32, field: String = "page_size") throws(GRPCStatus) -> Int {
    guard value >= 0 else { throw GRPCStatus(.invalidArgument, "\(field) must be ≥ 0, got \(value)") }
    return Int(value)
}
