import CompressNIO
import NIOCore

/// A length-prefixed message as read from the wire (before decompression).
struct GRPCWireMessage {
    var compressed: Bool
    var bytes: [UInt8]
}

/// Splits a stream of DATA payloads into gRPC length-prefixed messages
/// (1 byte compressed flag + 4 bytes big-endian length + payload). Messages may span DATA
/// frames and one frame may carry several messages. Each payload byte is copied exactly once,
/// straight into the message's `[UInt8]`.
struct GRPCMessageDeframer {
    let maxMessageSize: Int

    private var headerBytesRead = 0
    private var flag: UInt8 = 0
    private var length: UInt32 = 0
    private var readingBody = false
    private var body: [UInt8] = []
    private var remaining = 0

    init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    /// True when positioned at a message boundary (no partial message buffered).
    var isIdle: Bool { !self.readingBody && self.headerBytesRead == 0 }

    /// Consumes `buffer`, calling `onMessage` for each complete message.
    /// Throws a `GRPCStatus` for a bad flag or an oversized message.
    mutating func process(_ buffer: inout ByteBuffer, _ onMessage: (GRPCWireMessage) throws -> Void) throws {
        while buffer.readableBytes > 0 {
            if !self.readingBody {
                // Fast path: the whole 5-byte prefix is in this buffer.
                if self.headerBytesRead == 0, buffer.readableBytes >= 5,
                    let flag = buffer.readInteger(as: UInt8.self), let length = buffer.readInteger(as: UInt32.self)
                {
                    self.flag = flag
                    self.length = length
                    self.headerBytesRead = 5
                } else {
                    while self.headerBytesRead < 5, let byte = buffer.readInteger(as: UInt8.self) {
                        if self.headerBytesRead == 0 {
                            self.flag = byte
                            self.length = 0
                        } else {
                            self.length = (self.length << 8) | UInt32(byte)
                        }
                        self.headerBytesRead += 1
                    }
                    if self.headerBytesRead < 5 { return }
                }
                guard self.flag <= 1 else {
                    throw GRPCStatus(.internal, "invalid message compression flag \(self.flag)")
                }
                let size = Int(self.length)
                if size > self.maxMessageSize {
                    throw GRPCStatus(
                        .resourceExhausted,
                        "received message larger than max (\(size) vs. \(self.maxMessageSize) bytes)")
                }
                let compressed = self.flag == 1
                if size == 0 {
                    self.headerBytesRead = 0
                    try onMessage(GRPCWireMessage(compressed: compressed, bytes: []))
                    continue
                }
                if buffer.readableBytes >= size, let bytes = buffer.readBytes(length: size) {
                    self.headerBytesRead = 0
                    try onMessage(GRPCWireMessage(compressed: compressed, bytes: bytes))
                    continue
                }
                self.readingBody = true
                self.remaining = size
                self.body = []
                self.body.reserveCapacity(size)
            }
            let n = min(self.remaining, buffer.readableBytes)
            self.body.append(contentsOf: buffer.readableBytesView.prefix(n))
            buffer.moveReaderIndex(forwardBy: n)
            self.remaining -= n
            if self.remaining == 0 {
                self.readingBody = false
                self.headerBytesRead = 0
                var bytes: [UInt8] = []
                swap(&bytes, &self.body)
                try onMessage(GRPCWireMessage(compressed: self.flag == 1, bytes: bytes))
            }
        }
    }
}

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
        if message.count > maxSize {
            throw GRPCStatus(
                .resourceExhausted, "sent message larger than max (\(message.count) vs. \(maxSize) bytes)")
        }
        if compress && message.count >= minimumCompressionSize {
            let compressed = try GRPCCompression.gzip(message, allocator: allocator)
            var buffer = allocator.buffer(capacity: 5 + compressed.readableBytes)
            buffer.writeInteger(UInt8(1))
            buffer.writeInteger(UInt32(truncatingIfNeeded: compressed.readableBytes))
            buffer.writeImmutableBuffer(compressed)
            return buffer
        }
        return self.frame(message, compressed: false, allocator: allocator)
    }
}

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

/// Percent-encoding of `grpc-message` (gRPC over HTTP/2 spec): bytes outside 0x20–0x7E and
/// `%` itself are encoded as `%XX` of their UTF-8 bytes.
enum PercentEncoding {
    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    static func encode(_ text: String) -> String {
        var needsEncoding = false
        for byte in text.utf8 where byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "%") {
            needsEncoding = true
            break
        }
        if !needsEncoding { return text }
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "%") {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` sequences; malformed sequences are kept literally, invalid UTF-8 is
    /// repaired with U+FFFD.
    static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        let bytes = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}

/// `grpc-timeout` encoding: up to 8 ASCII digits followed by a unit (H, M, S, m, u, n).
enum GRPCTimeout {
    /// Parses a `grpc-timeout` value into nanoseconds; nil if malformed.
    static func parse(_ value: String) -> Int64? {
        let utf8 = value.utf8
        guard utf8.count >= 2, utf8.count <= 9, let unit = utf8.last else { return nil }
        var amount: Int64 = 0
        for byte in utf8.dropLast() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            amount = amount * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        let multiplier: Int64
        switch unit {
        case UInt8(ascii: "H"): multiplier = 3_600_000_000_000
        case UInt8(ascii: "M"): multiplier = 60_000_000_000
        case UInt8(ascii: "S"): multiplier = 1_000_000_000
        case UInt8(ascii: "m"): multiplier = 1_000_000
        case UInt8(ascii: "u"): multiplier = 1_000
        case UInt8(ascii: "n"): multiplier = 1
        default: return nil
        }
        let (result, overflow) = amount.multipliedReportingOverflow(by: multiplier)
        return overflow ? Int64.max : result
    }

    /// Encodes a duration, rounding up, with the finest unit that fits in 8 digits.
    static func encode(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return "1n" }
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        var total: Int64 = nanos.overflow ? Int64.max : nanos.partialValue
        let (sum, overflow) = total.addingReportingOverflow((attoseconds + 999_999_999) / 1_000_000_000)
        total = overflow ? Int64.max : sum
        let units: [(Int64, Character)] = [
            (1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"), (60_000_000_000, "M"),
            (3_600_000_000_000, "H"),
        ]
        for (divisor, unit) in units {
            let value = total / divisor + (total % divisor == 0 ? 0 : 1)
            if value < 100_000_000 { return "\(value)\(unit)" }
        }
        return "99999999H"
    }
}
