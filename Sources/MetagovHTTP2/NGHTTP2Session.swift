// C bridge: the nghttp2 session wrapper.
//
// This file and NGHTTP2Callbacks.swift are the only places in the package that touch
// `Unsafe*` pointers or call nghttp2 directly. An `NGHTTP2Session` is owned by exactly one
// `HTTP2Connection` and is only ever used on that connection's event loop.

import CNGHTTP2
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Result of asking the connection for outbound DATA on a stream (see `HTTP2Connection.bridgePull`).
struct NGHTTP2PullResult {
    /// Number of bytes that will be written by the following `bridgeWriteData` call.
    var length: Int
    /// The data source is exhausted after these bytes.
    var endOfData: Bool
    /// Trailers to send after the data (only meaningful with `endOfData`).
    var trailers: [HTTP2Header]?
    /// Nothing to send now; the stream must be resumed later.
    var deferred: Bool

    static let deferredResult = NGHTTP2PullResult(length: 0, endOfData: false, trailers: nil, deferred: true)
}

/// Wraps one `nghttp2_session` (server or client role).
final class NGHTTP2Session {
    /// The nghttp2 session; nil after `close()`.
    @exclusivity(unchecked) private var session: OpaquePointer?
    /// The connection that receives the callbacks. It owns this object, so it always outlives it.
    unowned(unsafe) let owner: HTTP2Connection
    let role: HTTP2Role

    // MARK: inbound state (valid during `receive`)

    /// The header block being collected (HEADERS + CONTINUATION of one stream).
    @exclusivity(unchecked) var headerBlock: [HTTP2Header] = []
    /// Size of `headerBlock` as RFC 9113 counts it (name + value + 32 per field).
    @exclusivity(unchecked) var headerListSize = 0
    /// The largest decoded header list accepted (what SETTINGS_MAX_HEADER_LIST_SIZE advertises).
    let maxHeaderListSize: Int
    /// Splits received bytes into frames to drop DATA on half-closed streams (see `receive`).
    @exclusivity(unchecked) private var scanner: NGHTTP2FrameScanner
    /// The buffer currently passed to `nghttp2_session_mem_recv`, so DATA payloads can be
    /// delivered as zero-copy slices of it.
    @exclusivity(unchecked) private var currentInput: ByteBuffer?
    @exclusivity(unchecked) private var currentInputBase: UnsafeRawPointer?
    @exclusivity(unchecked) private var currentInputCount = 0
    let allocator: ByteBufferAllocator

    /// Recently seen header strings too long to be small Strings (`:path`, `user-agent`,
    /// metadata...), reused instead of allocating a new String per request.
    @exclusivity(unchecked) private var internCache: [String] = []
    @exclusivity(unchecked) private var internCacheNext = 0
    private static let internCacheSize = 32
    private static let internMaxLength = 128

    // MARK: outbound state

    /// Serialized frames waiting to be written to the channel (the tail of the output).
    @exclusivity(unchecked) var output: ByteBuffer
    /// Output that precedes `output`: earlier serialized bytes and large DATA payload slices
    /// handed through without copying (written with one gathering write).
    @exclusivity(unchecked) private var pendingOutput: [ByteBuffer] = []
    @exclusivity(unchecked) private var pendingOutputBytes = 0
    /// DATA payload slices at least this large are passed through instead of copied.
    static let passthroughThreshold = 8 * 1024
    /// Scratch memory for building `nghttp2_nv` arrays (nghttp2 copies header data on submit).
    @exclusivity(unchecked) private var scratch: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var scratchCapacity: Int

    /// Note: every stored property is initialized before the first `throw`, so `deinit` (which
    /// frees the scratch memory and the session) runs on failure too.
    init(role: HTTP2Role, owner: HTTP2Connection, configuration: HTTP2ConnectionConfiguration, allocator: ByteBufferAllocator)
        throws
    {
        self.role = role
        self.owner = owner
        self.allocator = allocator
        self.output = allocator.buffer(capacity: 4096)
        self.scratchCapacity = 4096
        self.scratch = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 16)
        self.headerBlock.reserveCapacity(16)
        self.maxHeaderListSize = configuration.maxHeaderListSize
        self.scanner = NGHTTP2FrameScanner(expectsPreface: role == .server)
        self.advertisedMaxConcurrentStreams = UInt32(clamping: configuration.maxConcurrentStreams)

        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
            throw HTTP2Error.sessionError("nghttp2_session_callbacks_new failed")
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        NGHTTP2Callbacks.install(into: callbacks)

        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else {
            throw HTTP2Error.sessionError("nghttp2_option_new failed")
        }
        defer { nghttp2_option_del(option) }
        // We replenish flow-control windows ourselves (nghttp2_session_consume) so that a slow
        // application applies back-pressure to the peer.
        nghttp2_option_set_no_auto_window_update(option, 1)
        nghttp2_option_set_peer_max_concurrent_streams(option, 100)
        // RFC 9110 §5.5: leading and trailing whitespace is not part of a field value. nghttp2 resets such
        // streams (PROTOCOL_ERROR); we accept them and trim (`Bearer ` + spaces must reach the authenticator).
        nghttp2_option_set_no_rfc9113_leading_and_trailing_ws_validation(option, 1)

        var raw: OpaquePointer?
        // The callbacks get this object back through user_data; it is owned by the connection
        // and frees the nghttp2 session before it goes away.
        let userData = UnsafeMutableRawPointer(Unmanaged.passUnretained(self).toOpaque())
        let rv: Int32
        switch role {
        case .server: rv = nghttp2_session_server_new2(&raw, callbacks, userData, option)
        case .client: rv = nghttp2_session_client_new2(&raw, callbacks, userData, option)
        }
        guard rv == 0, let raw else {
            throw HTTP2Error.sessionError(NGHTTP2Session.describe(rv))
        }
        self.session = raw

        // Initial SETTINGS, then enlarge the connection-level receive window.
        var settings: [nghttp2_settings_entry] = [
            // nghttp2 kills the connection when a peer exceeds this value, where RFC 9113 §5.1.2 wants a
            // stream error: nghttp2 gets a higher hard limit, the peer is told the real one (rewritten in the
            // outgoing SETTINGS by `send`), and the connection refuses streams beyond it (REFUSED_STREAM).
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                value: NGHTTP2Session.hardStreamLimit(configuration.maxConcurrentStreams)),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: UInt32(clamping: min(configuration.initialStreamWindowSize, Int(Int32.max)))),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                value: UInt32(clamping: configuration.maxHeaderListSize)),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue),
                value: UInt32(clamping: min(max(configuration.maxFrameSize, 16384), 16_777_215))),
        ]
        if role == .client {
            settings.append(
                nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0))
        }
        let settingsRV = settings.withUnsafeBufferPointer { entries in
            nghttp2_submit_settings(raw, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries.baseAddress, entries.count)
        }
        if settingsRV != 0 {
            throw HTTP2Error.sessionError(NGHTTP2Session.describe(settingsRV))
        }
        let window = Int32(clamping: min(configuration.connectionWindowSize, Int(Int32.max)))
        if window > 65535 {
            _ = nghttp2_session_set_local_window_size(raw, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, window)
        }
    }

    deinit {
        self.close()
        self.scratch.deallocate()
    }

    /// MAX_CONCURRENT_STREAMS as sent to the peer (nghttp2 itself enforces `hardStreamLimit`).
    private let advertisedMaxConcurrentStreams: UInt32
    /// Whether the first SETTINGS frame has been rewritten (see `send`).
    @exclusivity(unchecked) private var settingsRewritten = false

    /// The limit nghttp2 enforces with a connection error: well above the advertised one.
    static func hardStreamLimit(_ advertised: Int) -> UInt32 {
        UInt32(clamping: max(advertised.multipliedReportingOverflow(by: 4).partialValue, advertised + 100))
    }

    /// Frees the nghttp2 session. No callbacks are delivered afterwards.
    func close() {
        if let session = self.session {
            self.session = nil
            nghttp2_session_del(session)
        }
    }

    var isOpen: Bool { self.session != nil }

    static func describe(_ code: Int32) -> String {
        guard let cString = nghttp2_strerror(code) else { return "nghttp2 error \(code)" }
        return String(cString: cString)
    }

    // MARK: receiving

    /// Feeds received bytes to nghttp2. Returns nil on success, or an error description when the
    /// session hit a fatal protocol error (the caller should flush the GOAWAY and close).
    ///
    /// DATA frames on a stream the peer already ended (half-closed remote) are taken out before nghttp2
    /// sees them: nghttp2 would end the whole connection, RFC 9113 §5.1 asks for a stream error. The
    /// stream is reset with STREAM_CLOSED and the connection window is given back.
    func receive(_ buffer: ByteBuffer) -> String? {
        guard let session = self.session else { return "session closed" }
        let count = buffer.readableBytes
        if count == 0 { return nil }
        let rv: Int = buffer.withUnsafeReadableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            self.currentInput = buffer
            self.currentInputBase = base
            self.currentInputCount = raw.count
            defer {
                self.currentInput = nil
                self.currentInputBase = nil
                self.currentInputCount = 0
            }
            var result = 0
            self.scanner.scan(buffer, isHalfClosed: { self.isRemoteHalfClosed(session, $0) }) { segment in
                switch segment {
                case .input(let start, let length):
                    guard result >= 0, self.session != nil else { return }
                    let n = nghttp2_session_mem_recv(
                        session, (base + start).assumingMemoryBound(to: UInt8.self), length)
                    if n < 0 { result = n }
                case .copy(let bytes):
                    guard result >= 0, self.session != nil else { return }
                    let n = bytes.withUnsafeBufferPointer { nghttp2_session_mem_recv(session, $0.baseAddress, $0.count) }
                    if n < 0 { result = n }
                case .droppedData(let streamID, let length, let first):
                    guard result >= 0, self.session != nil else { return }
                    if first {
                        _ = nghttp2_submit_rst_stream(
                            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, HTTP2ErrorCode.streamClosed.rawValue)
                    }
                    if length > 0 {
                        _ = nghttp2_submit_window_update(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(length))
                    }
                }
            }
            return result
        }
        if rv < 0 {
            let code = Int32(truncatingIfNeeded: rv)
            // Make sure a GOAWAY is queued so the peer learns why we hang up.
            if self.session != nil {
                let errorCode: UInt32 =
                    code == NGHTTP2_ERR_FLOODED.rawValue
                    ? HTTP2ErrorCode.enhanceYourCalm.rawValue : HTTP2ErrorCode.protocolError.rawValue
                _ = nghttp2_session_terminate_session(session, errorCode)
            }
            return NGHTTP2Session.describe(code)
        }
        return nil
    }

    private func isRemoteHalfClosed(_ session: OpaquePointer, _ streamID: Int32) -> Bool {
        nghttp2_session_get_stream_remote_close(session, streamID) == 1
    }

    /// Turns a DATA payload pointer handed to a callback into a ByteBuffer: a zero-copy slice of
    /// the buffer being received when possible, otherwise a copy.
    func makeDataBuffer(_ data: UnsafePointer<UInt8>, _ length: Int) -> ByteBuffer {
        let pointer = UnsafeRawPointer(data)
        if let base = self.currentInputBase, let input = self.currentInput, pointer >= base {
            let offset = pointer - base
            if offset + length <= self.currentInputCount,
                let slice = input.getSlice(at: input.readerIndex + offset, length: length)
            {
                return slice
            }
        }
        var copy = self.allocator.buffer(capacity: length)
        copy.writeBytes(UnsafeRawBufferPointer(start: pointer, count: length))
        return copy
    }

    /// A String for header bytes, reusing a cached instance when the same bytes were seen
    /// recently. Short strings (≤ 15 UTF-8 bytes) are stored inline by Swift and not cached.
    func internRepeated(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> String {
        guard count > 15, count <= NGHTTP2Session.internMaxLength else {
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }
        for candidate in self.internCache where candidate.utf8.count == count {
            let equal = candidate.utf8.withContiguousStorageIfAvailable { stored in
                guard let base = stored.baseAddress else { return false }
                return memcmp(base, bytes, count) == 0
            }
            if equal == true { return candidate }
        }
        let string = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        if self.internCache.count < NGHTTP2Session.internCacheSize {
            self.internCache.append(string)
        } else {
            self.internCache[self.internCacheNext] = string
            self.internCacheNext = (self.internCacheNext + 1) % NGHTTP2Session.internCacheSize
        }
        return string
    }

    // MARK: sending

    /// Serializes pending frames into `output` until nothing is left or `limit` bytes are
    /// buffered. Returns nil or a fatal error description.
    func send(limit: Int) -> String? {
        guard let session = self.session else { return nil }
        while self.outputBytes < limit {
            var data: UnsafePointer<UInt8>?
            let n = nghttp2_session_mem_send(session, &data)
            if n < 0 {
                return NGHTTP2Session.describe(Int32(truncatingIfNeeded: n))
            }
            if n == 0 { break }
            if let data {
                let start = self.output.writerIndex
                self.output.writeBytes(UnsafeRawBufferPointer(start: data, count: n))
                if !self.settingsRewritten {
                    self.settingsRewritten = true
                    self.rewriteMaxConcurrentStreams(at: start)
                }
            }
        }
        return nil
    }

    /// In the first frame we send (our SETTINGS), replaces the MAX_CONCURRENT_STREAMS value nghttp2 enforces
    /// with the one the peer is told (see `init`).
    private func rewriteMaxConcurrentStreams(at start: Int) {
        guard let length = self.output.getInteger(at: start, as: UInt32.self).map({ Int($0 >> 8) }),
            self.output.getInteger(at: start + 3, as: UInt8.self) == UInt8(NGHTTP2_SETTINGS.rawValue),
            self.output.writerIndex >= start + 9 + length
        else { return }
        var entry = start + 9
        while entry + 6 <= start + 9 + length {
            if self.output.getInteger(at: entry, as: UInt16.self) == UInt16(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue) {
                self.output.setInteger(self.advertisedMaxConcurrentStreams, at: entry + 2)
            }
            entry += 6
        }
    }

    /// Bytes of output waiting to be written.
    var outputBytes: Int { self.pendingOutputBytes + self.output.readableBytes }

    /// Appends a DATA payload piece to the output: copied when small, passed through as its own
    /// buffer when large.
    func appendPayload(_ payload: ByteBuffer) {
        if payload.readableBytes < NGHTTP2Session.passthroughThreshold {
            self.output.writeImmutableBuffer(payload)
            return
        }
        if self.output.readableBytes > 0 {
            self.pendingOutputBytes += self.output.readableBytes
            self.pendingOutput.append(self.output)
            self.output = self.allocator.buffer(capacity: 1024)
        }
        self.pendingOutputBytes += payload.readableBytes
        self.pendingOutput.append(payload)
    }

    /// Hands every output buffer, in order, to `write`, leaving the output empty.
    func takeOutput(_ write: (ByteBuffer) -> Void) {
        if !self.pendingOutput.isEmpty {
            let pending = self.pendingOutput
            self.pendingOutput.removeAll(keepingCapacity: true)
            self.pendingOutputBytes = 0
            for buffer in pending { write(buffer) }
        }
        if self.output.readableBytes > 0 {
            var fresh = self.allocator.buffer(capacity: 0)
            swap(&fresh, &self.output)
            write(fresh)
        }
    }

    var wantRead: Bool {
        guard let session = self.session else { return false }
        return nghttp2_session_want_read(session) != 0
    }

    var wantWrite: Bool {
        guard let session = self.session else { return false }
        return nghttp2_session_want_write(session) != 0
    }

    /// The largest peer-initiated stream id processed so far.
    var lastProcessedStreamID: Int32 {
        guard let session = self.session else { return 0 }
        return nghttp2_session_get_last_proc_stream_id(session)
    }

    /// Whether the peer has closed its side of the stream (END_STREAM received).
    func isRemoteClosed(streamID: Int32) -> Bool {
        guard let session = self.session else { return true }
        return nghttp2_session_get_stream_remote_close(session, streamID) != 0
    }

    // MARK: submitting frames

    /// Submits response HEADERS (server). With `hasBody` the stream's DATA is pulled through
    /// `HTTP2Connection.bridgePull`; without, the HEADERS frame carries END_STREAM.
    func submitResponse(streamID: Int32, headers: [HTTP2Header], hasBody: Bool) -> Int32 {
        guard let session = self.session else { return NGHTTP2_ERR_INVALID_STATE.rawValue }
        return self.withNV(headers) { nva, count in
            if hasBody {
                var provider = NGHTTP2Callbacks.dataProvider()
                return nghttp2_submit_response(session, streamID, nva, count, &provider)
            } else {
                return nghttp2_submit_response(session, streamID, nva, count, nil)
            }
        }
    }

    /// Submits request HEADERS (client). Returns the new stream id, or a negative error.
    func submitRequest(headers: [HTTP2Header], hasBody: Bool) -> Int32 {
        guard let session = self.session else { return NGHTTP2_ERR_INVALID_STATE.rawValue }
        return self.withNV(headers) { nva, count in
            if hasBody {
                var provider = NGHTTP2Callbacks.dataProvider()
                return nghttp2_submit_request(session, nil, nva, count, &provider, nil)
            } else {
                return nghttp2_submit_request(session, nil, nva, count, nil, nil)
            }
        }
    }

    /// Submits trailing HEADERS (END_STREAM). May be called from inside the data read callback.
    func submitTrailer(streamID: Int32, headers: [HTTP2Header]) -> Int32 {
        guard let session = self.session else { return NGHTTP2_ERR_INVALID_STATE.rawValue }
        return self.withNV(headers) { nva, count in
            nghttp2_submit_trailer(session, streamID, nva, count)
        }
    }

    func submitRSTStream(streamID: Int32, errorCode: HTTP2ErrorCode) -> Int32 {
        guard let session = self.session else { return NGHTTP2_ERR_INVALID_STATE.rawValue }
        return nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode.rawValue)
    }

    /// Submits GOAWAY, with `debugData` (e.g. `too_many_pings`) as its opaque data.
    func submitGoAway(lastStreamID: Int32, errorCode: HTTP2ErrorCode, debugData: String = "") -> Int32 {
        guard let session = self.session else { return NGHTTP2_ERR_INVALID_STATE.rawValue }
        let bytes = Array(debugData.utf8)
        return bytes.withUnsafeBufferPointer { opaque in
            nghttp2_submit_goaway(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), lastStreamID, errorCode.rawValue, opaque.baseAddress,
                opaque.count)
        }
    }

    /// Sends GOAWAY with the maximum stream id (server only): "stop opening streams soon".
    func submitShutdownNotice() -> Int32 {
        guard let session = self.session else { return NGHTTP2_ERR_INVALID_STATE.rawValue }
        return nghttp2_submit_shutdown_notice(session)
    }

    /// Queues a GOAWAY with `errorCode` after which the session stops reading and writing.
    func terminate(errorCode: HTTP2ErrorCode) {
        guard let session = self.session else { return }
        _ = nghttp2_session_terminate_session(session, errorCode.rawValue)
    }

    func submitPing(_ payload: UInt64) -> Int32 {
        guard let session = self.session else { return NGHTTP2_ERR_INVALID_STATE.rawValue }
        var opaque = payload.bigEndian
        return withUnsafeBytes(of: &opaque) { raw in
            nghttp2_submit_ping(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), raw.baseAddress?.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Moves a deferred DATA source back into nghttp2's outbound queue.
    func resumeData(streamID: Int32) -> Int32 {
        guard let session = self.session else { return NGHTTP2_ERR_INVALID_STATE.rawValue }
        return nghttp2_session_resume_data(session, streamID)
    }

    /// Tells nghttp2 the application is done with `bytes` of received DATA on the stream, so
    /// WINDOW_UPDATE frames can be sent.
    func consume(streamID: Int32, bytes: Int) {
        guard let session = self.session, bytes > 0, streamID > 0 else { return }
        _ = nghttp2_session_consume(session, streamID, bytes)
    }

    // MARK: header conversion

    /// Builds an `nghttp2_nv` array for `headers` in the scratch area and calls `body` with it.
    /// nghttp2 copies names and values during submission, so the scratch memory is reused.
    private func withNV(_ headers: [HTTP2Header], _ body: (UnsafePointer<nghttp2_nv>, Int) -> Int32) -> Int32 {
        let count = headers.count
        let nvStride = MemoryLayout<nghttp2_nv>.stride
        var bytesNeeded = count * nvStride
        for header in headers {
            bytesNeeded += header.name.utf8.count + header.value.utf8.count
        }
        if bytesNeeded > self.scratchCapacity {
            var newCapacity = self.scratchCapacity
            while newCapacity < bytesNeeded { newCapacity *= 2 }
            self.scratch.deallocate()
            self.scratch = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            self.scratchCapacity = newCapacity
        }
        let nva = self.scratch.bindMemory(to: nghttp2_nv.self, capacity: max(count, 1))
        var cursor = self.scratch + count * nvStride
        for index in 0..<count {
            let header = headers[index]
            let nameStart = cursor
            let nameLength = NGHTTP2Session.copyUTF8(header.name, to: &cursor)
            let valueStart = cursor
            let valueLength = NGHTTP2Session.copyUTF8(header.value, to: &cursor)
            (nva + index).initialize(
                to: nghttp2_nv(
                    name: nameStart.assumingMemoryBound(to: UInt8.self),
                    value: valueStart.assumingMemoryBound(to: UInt8.self),
                    namelen: nameLength, valuelen: valueLength, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
        }
        return body(UnsafePointer(nva), count)
    }

    private static func copyUTF8(_ string: String, to cursor: inout UnsafeMutableRawPointer) -> Int {
        let utf8 = string.utf8
        let copied: Int? = utf8.withContiguousStorageIfAvailable { bytes in
            if let base = bytes.baseAddress, bytes.count > 0 {
                cursor.copyMemory(from: base, byteCount: bytes.count)
            }
            return bytes.count
        }
        if let copied {
            cursor += copied
            return copied
        }
        var n = 0
        for byte in utf8 {
            cursor.storeBytes(of: byte, toByteOffset: n, as: UInt8.self)
            n += 1
        }
        cursor += n
        return n
    }
}
