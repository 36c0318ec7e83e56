import Foundation
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import Testing

@Suite("protobuf-c codec")
struct CodecTests {
    @Test("every message encodes to the bytes Python's protobuf produces", arguments: messageSamples)
    func encodesLikeTheReference(sample: MessageSample) {
        #expect(sample.encode() == sample.reference, "\(sample.name)")
    }

    @Test("every message decodes from the reference bytes to the same value", arguments: messageSamples)
    func decodesTheReference(sample: MessageSample) throws {
        #expect(try sample.decodeMatches(sample.reference), "\(sample.name)")
        #expect(try sample.decodeMatches(sample.encode()), "\(sample.name)")
    }

    @Test("every message at its defaults encodes to nothing and round-trips", arguments: messageSamples)
    func defaultsRoundTrip(sample: MessageSample) throws {
        #expect(try sample.defaultRoundTrips())
    }

    @Test("the samples cover every message of every file in proto/")
    func samplesCoverEveryMessage() throws {
        let sampled = Set(messageSamples.map(\.name))
        let protoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../proto").standardizedFileURL
        let defined = try ProtoSourceScanner.messageNames(under: protoRoot)
        // A sanity check of the scanner itself, so that an empty scan cannot pass.
        #expect(defined.isSuperset(of: ["metagov.v1.Community", "metagov.v1.PerformActionRequest",
                                        "grpc.health.v1.HealthCheckResponse", "grpc.reflection.v1alpha.ServerReflectionResponse"]))
        let missing = defined.subtracting(sampled)
        #expect(missing.isEmpty, "messages without a sample: \(missing.sorted())")
        for wellKnown in ["google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.Timestamp"] {
            #expect(sampled.contains(wellKnown))
        }
    }

    @Test("the .proto scanner finds nested messages and ignores comments, strings, enums, oneofs and services")
    func protoScanner() {
        let text = """
            syntax = "proto3"; // message Fake {
            package a.b;
            /* message AlsoFake { } */
            message Outer { message Inner { map<string, int32> m = 1; } enum E { X = 0; } oneof o { string s = 2; } }
            service S { rpc M(Outer) returns (Outer) { option deprecated = true; } }
            message Last {}
            """
        #expect(ProtoSourceScanner.messageNames(in: text) == ["a.b.Outer", "a.b.Outer.Inner", "a.b.Last"])
    }

    @Test("truncated and garbage bytes are rejected with the message name")
    func malformedInputIsRejected() throws {
        let community = Metagov_V1_Community(slug: "climate", readableName: "Climate", plugins: [
            Metagov_V1_PluginInstance(id: 7, name: "poll", community: "climate")
        ])
        let bytes = community.serializedBytes()
        for cut in 1..<bytes.count {
            // Any strict prefix that ends inside a field is invalid; prefixes ending on a field boundary are
            // valid shorter messages, so only check that decoding never crashes and never invents data.
            if let decoded = try? Metagov_V1_Community(serializedBytes: Array(bytes.prefix(cut))) {
                #expect(decoded.slug == "" || decoded.slug == "climate")
            }
        }
        #expect(throws: ProtoDecodingError.self) { try Metagov_V1_Community(serializedBytes: [0x0a, 0x05, 0x61]) }
        #expect(throws: ProtoDecodingError.self) { try Metagov_V1_Community(serializedBytes: [0xff, 0xff, 0xff]) }
        do {
            _ = try Metagov_V1_GetCommunityRequest(requestBytes: [0x0a, 0x80])
            Issue.record("expected INVALID_ARGUMENT")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("metagov.v1.GetCommunityRequest"))
        }
    }

    @Test("unknown fields are skipped")
    func unknownFieldsAreSkipped() throws {
        // field 99 (varint 5) and field 98 (bytes "xy") before slug "a"
        let bytes: [UInt8] = [0x98, 0x06, 0x05, 0x92, 0x06, 0x02, 0x78, 0x79, 0x0a, 0x01, 0x61]
        #expect(try Metagov_V1_Community(serializedBytes: bytes) == Metagov_V1_Community(slug: "a"))
    }

    @Test("nesting deeper than the limit is rejected without recursion; just below it is accepted")
    func deepNesting() throws {
        func nested(_ depth: Int) -> Google_Protobuf_Value {
            var value = Google_Protobuf_Value(kind: .stringValue("leaf"))
            for _ in 0..<depth { value = Google_Protobuf_Value(kind: .listValue(.init(values: [value]))) }
            return value
        }
        // Each level is Value -> ListValue: two messages deep.
        let ok = nested(45)
        #expect(try Google_Protobuf_Value(serializedBytes: ok.serializedBytes()) == ok)
        #expect(throws: ProtoDecodingError.self) { try Google_Protobuf_Value(serializedBytes: nested(60).serializedBytes()) }
        // A hostile input 40,000 levels deep, built by hand (never decoded recursively).
        var hostile: [UInt8] = []
        for _ in 0..<20_000 {
            hostile = [0x0a] + varint(hostile.count) + hostile  // ListValue.values = [Value]
            hostile = [0x32] + varint(hostile.count) + hostile  // Value.list_value = ListValue
        }
        #expect(throws: ProtoDecodingError.self) { try Google_Protobuf_Value(serializedBytes: hostile) }
    }

    @Test("a 3 MiB message round-trips")
    func largeMessage() throws {
        let big = String(repeating: "x", count: 3 << 20)
        let request = Metagov_V1_PerformActionRequest(
            community: "c", plugin: "p", action: "a",
            parameters: .init(fields: ["blob": .init(kind: .stringValue(big)), "n": .init(kind: .numberValue(1.5))]))
        let bytes = request.serializedBytes()
        #expect(bytes.count > 3 << 20)
        #expect(try Metagov_V1_PerformActionRequest(serializedBytes: bytes) == request)
    }

    @Test("open enums keep unknown values")
    func openEnums() throws {
        let process = Metagov_V1_GovernanceProcess(id: 1, status: .init(rawValue: 42))
        let decoded = try Metagov_V1_GovernanceProcess(serializedBytes: process.serializedBytes())
        #expect(decoded.status.rawValue == 42)
        #expect(decoded.status.description == "42")
        #expect(Metagov_V1_ProcessStatus.completed.description == "PROCESS_STATUS_COMPLETED")
        #expect(Metagov_V1_ProcessStatus(name: "PROCESS_STATUS_PENDING") == .pending)
    }

    @Test("reflection descriptors are embedded for every file")
    func embeddedDescriptors() {
        let names = Set(ProtoFiles.all.map(\.name))
        #expect(names.isSuperset(of: ["metagov/v1/communities.proto", "google/protobuf/struct.proto",
                                      "grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto"]))
        for file in ProtoFiles.all {
            #expect(!file.serialized.isEmpty, "\(file.name)")
            #expect(file.dependencies.allSatisfy(names.contains), "\(file.name)")
        }
        let services = ProtoFiles.all.flatMap(\.services)
        #expect(services.contains("metagov.v1.Communities"))
        #expect(services.contains("grpc.reflection.v1alpha.ServerReflection"))
    }
}

private func varint(_ value: Int) -> [UInt8] {
    var value = UInt64(value)
    var out: [UInt8] = []
    while value >= 0x80 {
        out.append(UInt8(value & 0x7f) | 0x80)
        value >>= 7
    }
    out.append(UInt8(value))
    return out
}
