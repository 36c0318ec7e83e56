/// Options of one client call.
public struct GRPCCallOptions: Sendable {
    /// Custom metadata sent with the request headers.
    public var metadata = GRPCMetadata()
    /// Deadline relative to the start of the call; sent as `grpc-timeout` and enforced locally.
    public var timeout: Duration? = nil
    /// gzip-compress request messages (`grpc-encoding: gzip`).
    public var compression: Bool = false

    public init(metadata: GRPCMetadata = GRPCMetadata(), timeout: Duration? = nil, compression: Bool = false) {
        self.metadata = metadata
        self.timeout = timeout
        self.compression = compression
    }

    /// These options with `call`'s laid over them: the call's metadata replaces entries of the same name
    /// (others are kept, so a call given only a timeout keeps the `authorization` of the defaults), its timeout
    /// wins when set, and compression is on if either asks for it.
    public func merging(_ call: GRPCCallOptions?) -> GRPCCallOptions {
        guard let call else { return self }
        var merged = self
        for name in Set(call.metadata.map(\.name)) { merged.metadata.remove(name) }
        merged.metadata.merge(call.metadata)
        merged.timeout = call.timeout ?? self.timeout
        merged.compression = self.compression || call.compression
        return merged
    }
}
