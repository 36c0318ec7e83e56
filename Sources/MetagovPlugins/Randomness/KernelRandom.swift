import Foundation
import Synchronization

/// Random numbers from the kernel's CSPRNG, like `SystemRandomNumberGenerator`, but read from `/dev/urandom`
/// 4 KiB at a time instead of one `getrandom(2)` system call per number (a draw is then a few nanoseconds
/// under a lock). Falls back to `SystemRandomNumberGenerator` if the device cannot be read.
struct KernelRandom: RandomNumberGenerator {
    private static let pool = Mutex(Pool())

    mutating func next() -> UInt64 {
        if let value = Self.pool.withLock({ $0.next() }) { return value }
        var system = SystemRandomNumberGenerator()
        return system.next()
    }

    private struct Pool: Sendable {
        static let refillSize = 4096
        var bytes: [UInt8] = []
        var position = 0
        var source = FileHandle(forReadingAtPath: "/dev/urandom")

        mutating func next() -> UInt64? {
            if self.position + 8 > self.bytes.count {
                guard let data = try? self.source?.read(upToCount: Self.refillSize), data.count == Self.refillSize else {
                    return nil
                }
                self.bytes = [UInt8](data)
                self.position = 0
            }
            var value: UInt64 = 0
            for offset in self.position..<self.position + 8 { value = value << 8 | UInt64(self.bytes[offset]) }
            self.position += 8
            return value
        }
    }
}
