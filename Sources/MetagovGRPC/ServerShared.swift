import MetagovHTTP
import MetagovHTTP2
import NIOCore
import Synchronization

/// Immutable per-server state shared by all connections.
final class ServerShared: Sendable {
    let configuration: GRPCServerConfiguration
    let methods: [String: MethodHandler]
    let interceptors: [any ServerInterceptor]
    let accounting = HTTP2BufferAccounting()
    let http2Configuration: HTTP2ConnectionConfiguration
    let allocator = ByteBufferAllocator()
    /// Where handler tasks run (nil: the global concurrent executor).
    let taskExecutor: (any TaskExecutor)?
    /// Serves plain HTTP on the same port, when set.
    let plainHTTP: (any PlainHTTPHandler)?

    init(
        configuration: GRPCServerConfiguration, methods: MethodTable, interceptors: [any ServerInterceptor],
        plainHTTP: (any PlainHTTPHandler)? = nil
    ) {
        self.plainHTTP = plainHTTP
        self.configuration = configuration
        self.methods = methods.handlers
        self.interceptors = interceptors
        self.taskExecutor = configuration.handlerExecution.taskExecutor
        var http2 = HTTP2ConnectionConfiguration()
        http2.maxConcurrentStreams = configuration.maxConcurrentStreams
        http2.initialStreamWindowSize = configuration.initialStreamWindowSize
        http2.connectionWindowSize = configuration.connectionWindowSize
        self.http2Configuration = http2
    }

    func status(for error: any Error, terminal: GRPCStatus?) -> GRPCStatus {
        if let status = error as? GRPCStatus { return status }
        if error is CancellationError { return terminal ?? GRPCStatus(.cancelled, "call cancelled") }
        if self.configuration.exposeErrorDescriptions {
            return GRPCStatus(.unknown, "\(error)")
        }
        return GRPCStatus(.unknown, "handler threw \(type(of: error))")
    }
}
