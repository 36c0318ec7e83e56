import MetagovCore
import MetagovGRPC

/// Wraps every RPC the server answers (CKAN's IMiddleware): the interceptors of every loaded extension that
/// implements this interface, in load order, the first outermost, around every call of every service.
///
/// An interceptor sees the method path, metadata and peer of a call and how it ended; it may refuse it by
/// throwing a `GRPCStatus` (see `ServerInterceptor`).
public protocol InterceptorProvider: MetagovExtension {
    /// The interceptors this extension adds.
    func interceptors() -> [any ServerInterceptor]
}
