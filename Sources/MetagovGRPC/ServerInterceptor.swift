/// Wraps every call (CKAN's IMiddleware, an ASP.NET middleware): runs around the handler, so it may inspect
/// metadata, refuse the call, time it, see how it ended, or map its error.
///
/// Interceptors run in registration order, the first outermost, in the call's task.
public protocol ServerInterceptor: Sendable {
    /// Runs around one call. Call `next()` to run the rest of the chain and then the handler: it returns when
    /// the handler has returned (for a streaming call, after its last response was handed to the transport) and
    /// throws what the handler threw. To refuse the call, throw (a `GRPCStatus`, usually) without calling
    /// `next`; what an interceptor throws is the call's status.
    func intercept(_ context: ServerCallContext, next: @concurrent @Sendable () async throws -> Void) async throws
}
