import NIOCore
import Synchronization

/// Routing table from `:path` (e.g. `/metagov.v1.Actions/PerformAction`) to handlers.
public struct MethodTable: Sendable {
    var handlers: [String: MethodHandler] = [:]

    public init() {}

    /// Registers (or replaces) the handler for `path`, which must look like `/package.Service/Method`.
    public mutating func register(_ path: String, _ handler: MethodHandler) {
        let normalized = path.hasPrefix("/") ? path : "/" + path
        self.handlers[normalized] = handler
    }

    /// The registered paths, sorted.
    public var paths: [String] { self.handlers.keys.sorted() }

    /// The handler registered for `path`.
    public func handler(for path: String) -> MethodHandler? {
        self.handlers[path]
    }
}
