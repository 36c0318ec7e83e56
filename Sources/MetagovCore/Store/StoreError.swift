/// Failures a store reports in terms of the domain.
public enum StoreError: Error, Sendable, Equatable {
    /// A uniqueness constraint was violated; `what` names the conflicting object (e.g. "community 'x'").
    case alreadyExists(String)
    /// An optimistic-concurrency check failed: the record changed since it was read.
    case conflict(String)
    /// A referenced object does not exist.
    case notFound(String)
    /// The database could not take the call now (another process held its write lock past the busy timeout, the
    /// database server is down or unreachable); the caller may retry later. The message says what happened.
    case unavailable(String)
}

extension StoreError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .alreadyExists(let what): "\(what) already exists"
        case .conflict(let what): "\(what) was changed concurrently"
        case .notFound(let what): "\(what) not found"
        case .unavailable(let message): message
        }
    }
}

extension Store {
    /// Calls `whenQueued`, then ``write(_:)``: for backends that keep no order among queued units.
    public func write<T: Sendable>(
        _ body: @Sendable (any StoreWriter) throws -> T, whenQueued: @escaping @Sendable () -> Void
    ) async throws -> T {
        whenQueued()
        return try await write(body)
    }

    /// ``read(_:)`` with store failures translated into ``MetagovError``s.
    func readTranslatingErrors<T: Sendable>(_ body: @Sendable (any StoreReader) throws -> T) async throws -> T {
        do { return try await read(body) } catch let error as StoreError { throw MetagovError.fromStore(error) }
    }

    /// ``write(_:)`` with store failures translated into ``MetagovError``s.
    func writeTranslatingErrors<T: Sendable>(_ body: @Sendable (any StoreWriter) throws -> T) async throws -> T {
        do { return try await write(body) } catch let error as StoreError { throw MetagovError.fromStore(error) }
    }
}
