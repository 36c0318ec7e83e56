import NIOCore

/// Follows the frame boundaries of the bytes a server receives so that DATA frames on streams the peer has
/// already ended can be taken out before nghttp2 sees them (nghttp2 answers those with a connection error;
/// RFC 9113 §5.1 asks for a stream error of type STREAM_CLOSED).
///
/// Everything else passes through untouched, in as few segments as possible (normally one per read).
struct NGHTTP2FrameScanner {
    /// What to do with a piece of the received bytes.
    enum Segment {
        /// Feed `length` bytes of the input, starting `start` bytes after its reader index, to nghttp2.
        case input(start: Int, length: Int)
        /// Feed these bytes to nghttp2 (a frame header that arrived split across reads).
        case copy([UInt8])
        /// A whole DATA frame (`length` bytes of payload, padding included) was dropped; `first` is true for
        /// the first one dropped on the stream since the last scan.
        case droppedData(streamID: Int32, length: Int, first: Bool)
    }

    private static let frameHeaderLength = 9
    private static let dataFrameType: UInt8 = 0x0
    private static let headersFrameType: UInt8 = 0x1
    private static let endStreamFlag: UInt8 = 0x1

    /// Client preface bytes still to pass through before the first frame.
    private var prefaceRemaining: Int
    /// Bytes of a frame header received so far (when a header arrived split across reads).
    private var partialHeader: [UInt8] = []
    /// Payload bytes of the current frame still to come, and whether they are dropped.
    private var payloadRemaining = 0
    private var dropping = false

    init(expectsPreface: Bool) {
        self.prefaceRemaining = expectsPreface ? 24 : 0
    }

    /// Splits `buffer` into segments, in order. `isHalfClosed` tells whether nghttp2 knows a stream as
    /// half-closed by the peer; END_STREAM flags seen earlier in the same buffer (not yet processed by
    /// nghttp2) are taken into account too.
    mutating func scan(_ buffer: ByteBuffer, isHalfClosed: (Int32) -> Bool, _ emit: (Segment) -> Void) {
        let count = buffer.readableBytes
        let base = buffer.readerIndex
        var position = 0
        var passStart = 0
        var endedHere: [Int32] = []
        var droppedHere: [Int32] = []

        func flushPass(upTo end: Int) {
            if end > passStart { emit(.input(start: passStart, length: end - passStart)) }
            passStart = end
        }

        while position < count {
            if self.prefaceRemaining > 0 {
                let n = min(self.prefaceRemaining, count - position)
                self.prefaceRemaining -= n
                position += n
                continue
            }
            if self.payloadRemaining > 0 {
                let n = min(self.payloadRemaining, count - position)
                self.payloadRemaining -= n
                position += n
                if self.dropping {
                    passStart = position  // skipped
                    if self.payloadRemaining == 0 { self.dropping = false }
                }
                continue
            }
            // A frame header: whole in this buffer, or completing one split across reads.
            var header: [UInt8]
            let headerStart = position
            if self.partialHeader.isEmpty, count - position >= Self.frameHeaderLength,
                let bytes = buffer.getBytes(at: base + position, length: Self.frameHeaderLength)
            {
                header = bytes
                position += Self.frameHeaderLength
            } else {
                let needed = Self.frameHeaderLength - self.partialHeader.count
                let n = min(needed, count - position)
                self.partialHeader += buffer.getBytes(at: base + position, length: n) ?? []
                position += n
                flushPass(upTo: headerStart)
                passStart = position  // these bytes are held back until the header is complete
                guard self.partialHeader.count == Self.frameHeaderLength else { break }
                header = self.partialHeader
                self.partialHeader = []
            }
            let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
            let type = header[3]
            let flags = header[4]
            let streamID = Int32(bitPattern: UInt32(header[5] & 0x7f) << 24 | UInt32(header[6]) << 16
                | UInt32(header[7]) << 8 | UInt32(header[8]))
            self.payloadRemaining = length
            let wholeHeaderInBuffer = position - headerStart == Self.frameHeaderLength && passStart <= headerStart
            if type == Self.dataFrameType, streamID > 0, endedHere.contains(streamID) || isHalfClosed(streamID) {
                flushPass(upTo: headerStart)
                passStart = position
                self.dropping = length > 0
                let first = !droppedHere.contains(streamID)
                if first { droppedHere.append(streamID) }
                emit(.droppedData(streamID: streamID, length: length, first: first))
                continue
            }
            if (type == Self.dataFrameType || type == Self.headersFrameType) && flags & Self.endStreamFlag != 0 {
                endedHere.append(streamID)
            }
            if !wholeHeaderInBuffer {
                emit(.copy(header))
                passStart = position
            }
        }
        flushPass(upTo: position)
    }
}
