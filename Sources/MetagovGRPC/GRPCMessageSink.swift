import NIOCore
import Synchronization

protocol GRPCMessageSink: AnyObject, Sendable {
    func writeMessage(_ message: [UInt8]) async throws
}
