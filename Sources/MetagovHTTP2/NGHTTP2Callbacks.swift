// C bridge: the nghttp2 callback functions.
//
// Every callback recovers the `NGHTTP2Session` from `user_data`, converts the C arguments into
// safe Swift values and forwards them to the owning `HTTP2Connection`. No callback trusts its
// input: null pointers and unexpected frame types are ignored rather than unwrapped.

import CNGHTTP2
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum NGHTTP2Callbacks {
    /// Registers all callbacks on a callbacks object.
    static func install(into callbacks: OpaquePointer) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameRecv)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunkRecv)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, onFrameSend)
        nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks, onFrameNotSend)
        nghttp2_session_callbacks_set_send_data_callback(callbacks, onSendData)
    }

    /// A data provider whose reads are answered by `HTTP2Connection.bridgePull`.
    static func dataProvider() -> nghttp2_data_provider {
        var provider = nghttp2_data_provider()
        provider.source.ptr = nil
        provider.read_callback = onDataSourceRead
        return provider
    }

    @inline(__always)
    private static func bridge(_ userData: UnsafeMutableRawPointer?) -> NGHTTP2Session? {
        guard let userData else { return nil }
        return Unmanaged<NGHTTP2Session>.fromOpaque(userData).takeUnretainedValue()
    }

    // MARK: inbound

    private static let onBeginHeaders: nghttp2_on_begin_headers_callback = { session, frame, userData in
        guard let bridge = bridge(userData), let frame else { return 0 }
        bridge.headerBlock.removeAll(keepingCapacity: true)
        bridge.headerListSize = 0
        let streamID = frame.pointee.hd.stream_id
        if frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST, !bridge.owner.bridgeBeginRequest(streamID: streamID) {
            // Over the advertised concurrency: a stream error, the connection goes on (RFC 9113 §5.1.2).
            _ = nghttp2_submit_rst_stream(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, HTTP2ErrorCode.refusedStream.rawValue)
            return Int32(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        return 0
    }

    private static let onHeader: nghttp2_on_header_callback = {
        session, frame, name, nameLength, value, valueLength, _, userData in
        guard let bridge = bridge(userData), let frame, let name, let value else { return 0 }
        // RFC 9113 §6.5.2: the size of a field is its name and value lengths plus 32. Past the advertised
        // limit the stream is reset and nothing more of the block is kept (nghttp2 still decodes the rest to
        // keep HPACK in sync, without calling us): a small block that decodes to a huge list costs nothing.
        bridge.headerListSize += nameLength + valueLength + 32
        if bridge.headerListSize > bridge.maxHeaderListSize {
            bridge.headerBlock.removeAll()
            bridge.owner.bridgeHeaderListTooLarge(streamID: frame.pointee.hd.stream_id)
            _ = nghttp2_submit_rst_stream(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), frame.pointee.hd.stream_id,
                HTTP2ErrorCode.enhanceYourCalm.rawValue)
            return Int32(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        let nameString = HeaderInterning.name(name, nameLength) ?? bridge.internRepeated(name, nameLength)
        let valueString =
            HeaderInterning.value(value, valueLength) ?? bridge.internRepeated(value, valueLength).trimmingFieldWhitespace()
        bridge.headerBlock.append(HTTP2Header(nameString, valueString))
        return 0
    }

    private static let onFrameRecv: nghttp2_on_frame_recv_callback = { _, frame, userData in
        guard let bridge = bridge(userData), let frame else { return 0 }
        let hd = frame.pointee.hd
        let endStream = (hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue)) != 0
        switch UInt32(hd.type) {
        case NGHTTP2_HEADERS.rawValue:
            let kind: HTTP2HeadersKind
            switch frame.pointee.headers.cat {
            case NGHTTP2_HCAT_REQUEST: kind = .request
            case NGHTTP2_HCAT_RESPONSE: kind = .response
            case NGHTTP2_HCAT_HEADERS: kind = .trailers
            default: return 0  // push responses are disabled
            }
            let headers = bridge.headerBlock
            bridge.headerBlock.removeAll(keepingCapacity: true)
            bridge.owner.bridgeHeaders(streamID: hd.stream_id, kind: kind, headers: headers, endStream: endStream)
        case NGHTTP2_DATA.rawValue:
            if endStream {
                bridge.owner.bridgeDataEndStream(streamID: hd.stream_id)
            }
        case NGHTTP2_GOAWAY.rawValue:
            let goaway = frame.pointee.goaway
            bridge.owner.bridgeGoAway(lastStreamID: goaway.last_stream_id, errorCode: HTTP2ErrorCode(goaway.error_code))
        case NGHTTP2_PING.rawValue:
            if (hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue)) != 0 {
                var opaque = frame.pointee.ping.opaque_data
                let payload = withUnsafeBytes(of: &opaque) { raw in
                    raw.count >= 8 ? UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)) : 0
                }
                bridge.owner.bridgePingAck(payload: payload)
            } else {
                bridge.owner.bridgePingReceived()
            }
        case NGHTTP2_SETTINGS.rawValue:
            if (hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue)) == 0 {
                bridge.owner.bridgeSettingsReceived()
            }
        default:
            break
        }
        return 0
    }

    private static let onDataChunkRecv: nghttp2_on_data_chunk_recv_callback = {
        _, _, streamID, data, length, userData in
        guard let bridge = bridge(userData), let data, length > 0 else { return 0 }
        let buffer = bridge.makeDataBuffer(data, length)
        bridge.owner.bridgeData(streamID: streamID, data: buffer)
        return 0
    }

    private static let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, userData in
        guard let bridge = bridge(userData) else { return 0 }
        bridge.owner.bridgeStreamClosed(streamID: streamID, errorCode: HTTP2ErrorCode(errorCode))
        return 0
    }

    // MARK: outbound

    private static let onFrameSend: nghttp2_on_frame_send_callback = { _, frame, userData in
        guard let bridge = bridge(userData), let frame else { return 0 }
        let hd = frame.pointee.hd
        let type = UInt32(hd.type)
        if type == NGHTTP2_HEADERS.rawValue || type == NGHTTP2_DATA.rawValue {
            bridge.owner.bridgeStreamFrameSent()
            if (hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue)) != 0 {
                bridge.owner.bridgeEndStreamSent(streamID: hd.stream_id)
            }
        }
        return 0
    }

    private static let onFrameNotSend: nghttp2_on_frame_not_send_callback = { _, frame, _, userData in
        guard let bridge = bridge(userData), let frame else { return 0 }
        let hd = frame.pointee.hd
        guard UInt32(hd.type) == NGHTTP2_HEADERS.rawValue else { return 0 }
        if frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
            // A request HEADERS that could not be sent never opened its stream, so nghttp2 will not
            // report it closed; do it here.
            bridge.owner.bridgeStreamClosed(streamID: hd.stream_id, errorCode: .refusedStream)
        } else {
            // Response headers or trailers that could not be sent (e.g. too large): reset the stream so the
            // peer gets an answer instead of waiting forever.
            bridge.owner.bridgeResponseHeadersNotSent(streamID: hd.stream_id)
        }
        return 0
    }

    private static let onDataSourceRead: nghttp2_data_source_read_callback = {
        session, streamID, _, length, dataFlags, _, userData in
        guard let bridge = bridge(userData), let dataFlags else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        let result = bridge.owner.bridgePull(streamID: streamID, maxLength: length)
        if result.deferred {
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        var flags: UInt32 = 0
        if result.length > 0 {
            flags |= NGHTTP2_DATA_FLAG_NO_COPY.rawValue
        }
        if result.endOfData {
            flags |= NGHTTP2_DATA_FLAG_EOF.rawValue
            if let trailers = result.trailers {
                flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                let rv = bridge.submitTrailer(streamID: streamID, headers: trailers)
                if rv != 0 {
                    // Could not queue the trailers: end the stream with the DATA frame instead
                    // of leaving it open forever.
                    flags &= ~NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                }
            }
        }
        dataFlags.pointee = flags
        return result.length
    }

    private static let onSendData: nghttp2_send_data_callback = {
        _, frame, frameHeader, length, _, userData in
        guard let bridge = bridge(userData), let frame, let frameHeader else {
            return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue
        }
        let streamID = frame.pointee.hd.stream_id
        let padLength = frame.pointee.data.padlen
        bridge.output.writeBytes(UnsafeRawBufferPointer(start: frameHeader, count: 9))
        if padLength > 0 {
            bridge.output.writeInteger(UInt8(truncatingIfNeeded: padLength - 1))
        }
        bridge.owner.bridgeWriteData(streamID: streamID, length: length, session: bridge)
        if padLength > 1 {
            bridge.output.writeRepeatingByte(0, count: padLength - 1)
        }
        return 0
    }
}

/// Avoids allocating Strings for the header names and values every gRPC request carries.
enum HeaderInterning {
    private static let names: [(StaticString, String)] = [
        (":path", ":path"), (":method", ":method"), (":scheme", ":scheme"), (":authority", ":authority"),
        (":status", ":status"), ("content-type", "content-type"), ("te", "te"), ("user-agent", "user-agent"),
        ("grpc-timeout", "grpc-timeout"), ("grpc-encoding", "grpc-encoding"),
        ("grpc-accept-encoding", "grpc-accept-encoding"), ("grpc-status", "grpc-status"),
        ("grpc-message", "grpc-message"), ("content-length", "content-length"),
        ("accept-encoding", "accept-encoding"),
    ]
    private static let values: [(StaticString, String)] = [
        ("POST", "POST"), ("http", "http"), ("https", "https"), ("trailers", "trailers"),
        ("application/grpc", "application/grpc"), ("application/grpc+proto", "application/grpc+proto"),
        ("gzip", "gzip"), ("identity", "identity"), ("identity,gzip", "identity,gzip"),
        ("gzip,identity", "gzip,identity"), ("200", "200"), ("0", "0"),
    ]

    /// The interned String for a well-known header name, or nil.
    @inline(__always)
    static func name(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> String? {
        lookup(self.names, bytes, count)
    }

    /// The interned String for a well-known header value, or nil.
    @inline(__always)
    static func value(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> String? {
        lookup(self.values, bytes, count)
    }

    private static func lookup(_ table: [(StaticString, String)], _ bytes: UnsafePointer<UInt8>, _ count: Int)
        -> String?
    {
        guard count <= 24 else { return nil }
        for (key, interned) in table where key.utf8CodeUnitCount == count {
            if memcmp(key.utf8Start, bytes, count) == 0 { return interned }
        }
        return nil
    }
}
