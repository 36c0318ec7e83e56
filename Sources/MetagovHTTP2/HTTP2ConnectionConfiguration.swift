import NIOCore
import Synchronization

/// Settings and tuning knobs of one HTTP/2 connection.
public struct HTTP2ConnectionConfiguration: Sendable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS advertised to the peer.
    public var maxConcurrentStreams: Int = 1000
    /// SETTINGS_INITIAL_WINDOW_SIZE advertised to the peer (per-stream receive window).
    public var initialStreamWindowSize: Int = 1 << 20
    /// Connection-level receive window (raised with WINDOW_UPDATE right after the preface).
    public var connectionWindowSize: Int = 16 << 20
    /// SETTINGS_MAX_HEADER_LIST_SIZE advertised to the peer.
    public var maxHeaderListSize: Int = 16 * 1024
    /// SETTINGS_MAX_FRAME_SIZE advertised to the peer (the largest DATA frame we accept).
    public var maxFrameSize: Int = 16384
    /// When this many bytes of serialized output accumulate in one flush, they are written
    /// out before more frames are serialized.
    public var outputChunkSize: Int = 256 * 1024

    public init() {}
}
