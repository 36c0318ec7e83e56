import CompressNIO
import NIOCore

/// gzip support for `grpc-encoding: gzip`.
enum GRPCCompression {
    static func gzip(_ bytes: [UInt8], allocator: ByteBufferAllocator) throws -> ByteBuffer {
        var input = allocator.buffer(capacity: bytes.count)
        input.writeBytes(bytes)
        do {
            return try input.compress(with: .gzip(), allocator: allocator)
        } catch {
            throw GRPCStatus(.internal, "gzip compression failed: \(error)")
        }
    }

    /// Decompresses one gzip message, refusing to produce more than `limit` bytes.
    static func gunzip(_ bytes: [UInt8], limit: Int, allocator: ByteBufferAllocator) throws -> [UInt8] {
        guard !bytes.isEmpty else {
            throw GRPCStatus(.internal, "could not decompress message: empty gzip payload")
        }
        var input = allocator.buffer(capacity: bytes.count)
        input.writeBytes(bytes)
        let output: ByteBuffer
        do {
            output = try input.decompress(with: .gzip(), maxSize: limit &+ 1, allocator: allocator)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw GRPCStatus(
                .resourceExhausted, "decompressed message larger than max (more than \(limit) bytes)")
        } catch {
            throw GRPCStatus(.internal, "could not decompress message: \(error)")
        }
        if output.readableBytes > limit {
            throw GRPCStatus(
                .resourceExhausted,
                "decompressed message larger than max (\(output.readableBytes) vs. \(limit) bytes)")
        }
        return output.getBytes(at: output.readerIndex, length: output.readableBytes) ?? []
    }
}
