import MetagovHTTP2
import NIOCore
import Testing

@testable import MetagovGRPC

@Suite("Codec helpers")
struct CodecTests {
    @Test("CPU lists from the affinity mask are counted; malformed ones are refused")
    func cpuLists() {
        #expect(AvailableProcessors.cpuCount(list: "0") == 1)
        #expect(AvailableProcessors.cpuCount(list: "\t0-1") == 2)
        #expect(AvailableProcessors.cpuCount(list: "0,2-3,8") == 4)
        #expect(AvailableProcessors.cpuCount(list: "3-1") == nil)
        #expect(AvailableProcessors.cpuCount(list: "") == nil)
        #expect(AvailableProcessors.cpuCount(list: "a-b") == nil)
        #expect(AvailableProcessors.count >= 1 && AvailableProcessors.count <= System.coreCount)
    }

    @Test("grpc-timeout parsing and encoding")
    func timeout() {
        #expect(GRPCTimeout.parse("1S") == 1_000_000_000)
        #expect(GRPCTimeout.parse("100m") == 100_000_000)
        #expect(GRPCTimeout.parse("5u") == 5_000)
        #expect(GRPCTimeout.parse("7n") == 7)
        #expect(GRPCTimeout.parse("2M") == 120_000_000_000)
        #expect(GRPCTimeout.parse("1H") == 3_600_000_000_000)
        #expect(GRPCTimeout.parse("99999999H") != nil)
        #expect(GRPCTimeout.parse("123456789S") == nil)  // more than 8 digits
        #expect(GRPCTimeout.parse("S") == nil)
        #expect(GRPCTimeout.parse("10x") == nil)
        #expect(GRPCTimeout.parse("-1S") == nil)
        #expect(GRPCTimeout.parse("") == nil)
        #expect(GRPCTimeout.parse(GRPCTimeout.encode(.milliseconds(200))) == 200_000_000)
        #expect(GRPCTimeout.parse(GRPCTimeout.encode(.seconds(30))) == 30_000_000_000)
        #expect(GRPCTimeout.encode(.seconds(30)).utf8.count <= 9)
        #expect(GRPCTimeout.encode(.seconds(-5)) == "1n")
        let long = GRPCTimeout.encode(.seconds(10_000_000))
        #expect(long.utf8.count <= 9)
        #expect((GRPCTimeout.parse(long) ?? 0) >= 10_000_000 * 1_000_000_000)
    }

    @Test("grpc-message percent-encoding round trip")
    func percentEncoding() {
        #expect(PercentEncoding.encode("plain text") == "plain text")
        #expect(PercentEncoding.encode("100%") == "100%25")
        #expect(PercentEncoding.encode("a\nb") == "a%0Ab")
        #expect(PercentEncoding.encode("é") == "%C3%A9")
        for text in ["héllo ✓ 🙂", "100% sure", "tab\there", "", "%%%", "日本語"] {
            #expect(PercentEncoding.decode(PercentEncoding.encode(text)) == text)
        }
        #expect(PercentEncoding.decode("bad %zz and %4") == "bad %zz and %4")
    }

    @Test("base64 for -bin metadata")
    func base64() {
        #expect(Base64.encode([]) == "")
        #expect(Base64.encode(Array("f".utf8)) == "Zg")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8")
        #expect(Base64.encode(Array("foo".utf8)) == "Zm9v")
        #expect(Base64.decode("Zm9vYg==") == Array("foob".utf8))
        #expect(Base64.decode("Zm9vYg") == Array("foob".utf8))
        #expect(Base64.decode("Zm9v!") == nil)
        #expect(Base64.decode("Z") == nil)
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 * 7) }
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
    }

    @Test("metadata: lowercasing, order, binary values, reserved names are not sent")
    func metadata() {
        var metadata = GRPCMetadata()
        metadata.add("X-One", "1")
        metadata.add("x-one", "2")
        metadata.addBinary("blob", [1, 2, 3])
        metadata.add("content-type", "text/plain")
        metadata.add("grpc-status", "0")
        metadata.add("bad name", "x")
        metadata.add("x-newline", "a\nb")
        #expect(metadata["x-one"] == "1")
        #expect(metadata.values("X-ONE") == ["1", "2"])
        #expect(metadata.binary("blob-bin") == [1, 2, 3])
        #expect(metadata["blob-bin"] == "AQID")
        var headers: [HTTP2Header] = []
        metadata.appendHeaders(to: &headers)
        #expect(headers.map(\.name) == ["x-one", "x-one", "blob-bin"])
        #expect(headers.last?.value == "AQID")
    }

    @Test("deframer: split prefixes, several messages per chunk, limits")
    func deframer() throws {
        let allocator = ByteBufferAllocator()
        var wire: [UInt8] = []
        let messages: [[UInt8]] = [[], [1], Array(repeating: 9, count: 1000), [4, 5, 6]]
        for message in messages {
            wire += [0] + encodeUInt32s(UInt32(message.count)) + message
        }
        // Feed in every chunk size from 1 to 17 bytes.
        for chunkSize in 1...17 {
            var deframer = GRPCMessageDeframer(maxMessageSize: 4096)
            var output: [[UInt8]] = []
            var index = 0
            while index < wire.count {
                let end = min(index + chunkSize, wire.count)
                var buffer = allocator.buffer(capacity: end - index)
                buffer.writeBytes(wire[index..<end])
                try deframer.process(&buffer) { output.append($0.bytes) }
                index = end
            }
            #expect(output == messages, "chunk size \(chunkSize)")
            #expect(deframer.isIdle)
        }
        var deframer = GRPCMessageDeframer(maxMessageSize: 10)
        var buffer = allocator.buffer(capacity: 5)
        buffer.writeBytes([0, 0, 0, 0, 11])
        #expect(throws: GRPCStatus.self) { try deframer.process(&buffer) { _ in } }
    }

    @Test("gzip round trip and decompression limit")
    func gzip() throws {
        let allocator = ByteBufferAllocator()
        let payload = [UInt8](String(repeating: "metagov ", count: 5000).utf8)
        let compressed = try GRPCCompression.gzip(payload, allocator: allocator)
        let bytes = Array(compressed.readableBytesView)
        #expect(bytes.count < payload.count / 10)
        #expect(try GRPCCompression.gunzip(bytes, limit: payload.count, allocator: allocator) == payload)
        #expect(throws: GRPCStatus.self) {
            _ = try GRPCCompression.gunzip(bytes, limit: payload.count - 1, allocator: allocator)
        }
        #expect(throws: GRPCStatus.self) {
            _ = try GRPCCompression.gunzip([1, 2, 3], limit: 100, allocator: allocator)
        }
    }
}
