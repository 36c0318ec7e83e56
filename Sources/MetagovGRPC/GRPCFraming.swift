import CompressNIO
import NIOCore

enum GRPCFraming {
    /// Writes the 5-byte prefix and `payload` into a new buffer.
    @inline(__always)
    static func frame(_ payload: [UInt8], compressed: Bool, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 5 + payload.count)
        buffer.writeInteger(compressed ? UInt8(1) : UInt8(0))
        buffer.writeInteger(UInt32(truncatingIfNeeded: payload.count))
        buffer.writeBytes(payload)
        return buffer
    }

    /// Frames `message`, gzip-compressing it when `compress` is set and it is at least
    /// `minimumCompressionSize` bytes. Throws RESOURCE_EXHAUSTED above `maxSize`.
    static func encode(
        _ message: [UInt8], compress: Bool, minimumCompressionSize: Int = 0, maxSize: Int,
        allocator: ByteBufferAllocator
    ) throws -> ByteBuffer {
        if message.count > min(maxSize, GRPCServerConfiguration.messageSizeCeiling) {
            throw GRPCStatus(
                .resourceExhausted, "sent message larger than max (\(message.count) vs. \(maxSize) bytes)")
        }
        if compress && message.count >= minimumCompressionSize {
            let compressed = try GRPCCompression.gzip(message, allocator: allocator)
            guard compressed.readableBytes <= GRPCServerConfiguration.messageSizeCeiling else {
                throw GRPCStatus(.resourceExhausted, "compressed message larger than a gRPC frame can carry")
            }
            var buffer = allocator.buffer(capacity: 5 + compressed.readableBytes)
            buffer.writeInteger(UInt8(1))
            buffer.writeInteger(UInt32(truncatingIfNeeded: compressed.readableBytes))
            buffer.writeImmutableBuffer(compressed)
            return buffer
        }
        return self.frame(message, compressed: false, allocator: allocator)
    }
}
