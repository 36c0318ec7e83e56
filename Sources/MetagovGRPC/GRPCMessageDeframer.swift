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

    /// Consumes `buffer`, calling `onLength` with the length of each message as soon as its prefix is read
    /// (it may throw to refuse the message) and `onMessage` for each complete message.
    /// Throws a `GRPCStatus` for a bad flag or an oversized message.
    mutating func process(
        _ buffer: inout ByteBuffer, onLength: (Int) throws -> Void = { _ in },
        _ onMessage: (GRPCWireMessage) throws -> Void
    ) throws {
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
                try onLength(size)
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
