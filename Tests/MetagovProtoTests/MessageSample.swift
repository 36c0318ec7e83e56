import MetagovProto
import MetagovProtoGRPC

/// A message value with its reference encoding (see Generated/MessageSamples.swift).
struct MessageSample: Sendable, CustomStringConvertible {
    let name: String
    let encode: @Sendable () -> [UInt8]
    let decodeMatches: @Sendable ([UInt8]) throws -> Bool
    let defaultRoundTrips: @Sendable () throws -> Bool
    let reference: [UInt8]

    init<M: ProtoMessage>(name: String, value: M, reference: [UInt8]) {
        self.name = name
        self.encode = { value.serializedBytes() }
        self.decodeMatches = { bytes in try M(serializedBytes: bytes) == value }
        self.defaultRoundTrips = { try M(serializedBytes: M().serializedBytes()) == M() && M().serializedBytes().isEmpty }
        self.reference = reference
    }

    var description: String { self.name }
}
