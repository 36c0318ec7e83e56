import NIOCore
import NIOPosix
import Synchronization

/// FIFO of queued DATA chunks that keeps a single chunk inline (no storage allocation for the
/// common one-message response).
struct ChunkQueue {
    private var head: ByteBuffer? = nil
    private var rest: [ByteBuffer] = []
    private var restIndex = 0

    var first: ByteBuffer? {
        if let head = self.head { return head }
        return self.restIndex < self.rest.count ? self.rest[self.restIndex] : nil
    }

    mutating func append(_ chunk: ByteBuffer) {
        if self.head == nil && self.restIndex == self.rest.count {
            self.head = chunk
            if !self.rest.isEmpty {
                self.rest.removeAll(keepingCapacity: true)
                self.restIndex = 0
            }
        } else {
            self.rest.append(chunk)
        }
    }

    mutating func removeFirst() {
        if self.head != nil {
            self.head = nil
            return
        }
        guard self.restIndex < self.rest.count else { return }
        self.restIndex += 1
        if self.restIndex == self.rest.count {
            self.rest.removeAll(keepingCapacity: true)
            self.restIndex = 0
        } else if self.restIndex >= 64 && self.restIndex * 2 >= self.rest.count {
            self.rest.removeFirst(self.restIndex)
            self.restIndex = 0
        }
    }

    mutating func replaceFirst(_ chunk: ByteBuffer) {
        if self.head != nil {
            self.head = chunk
        } else if self.restIndex < self.rest.count {
            self.rest[self.restIndex] = chunk
        }
    }

    mutating func removeAll() {
        self.head = nil
        self.rest = []
        self.restIndex = 0
    }
}
