import NIOCore
import Synchronization

/// Wraps every call (like an ASP.NET middleware): may inspect metadata, reject the call by
/// throwing a `GRPCStatus`, or time it. Interceptors run in registration order, in the call's
/// task, before the handler.
public protocol ServerInterceptor: Sendable {
    func intercept(path: String, context: ServerCallContext) async throws
}
