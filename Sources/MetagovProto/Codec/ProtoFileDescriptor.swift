import Foundation

/// One compiled .proto file as server reflection serves it.
public struct ProtoFileDescriptor: Sendable {
    /// Path of the file, e.g. `metagov/v1/communities.proto`.
    public let name: String
    /// Paths of the files it imports.
    public let dependencies: [String]
    /// Full names of the services it defines.
    public let services: [String]
    /// Full names of the messages, enums, services and methods it defines.
    public let symbols: [String]
    /// The serialized `google.protobuf.FileDescriptorProto`.
    public let serialized: [UInt8]

    init(name: String, dependencies: [String], services: [String], symbols: [String], base64: String) {
        self.name = name
        self.dependencies = dependencies
        self.services = services
        self.symbols = symbols
        let compact = base64.filter { !$0.isWhitespace }
        self.serialized = Data(base64Encoded: compact).map { [UInt8]($0) } ?? []
    }
}
