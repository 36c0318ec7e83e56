import NIOCore
import Synchronization

/// Which side of the connection this endpoint is.
public enum HTTP2Role: Sendable, Hashable {
    case server
    case client
}
