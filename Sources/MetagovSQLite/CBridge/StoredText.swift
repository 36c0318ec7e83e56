import Foundation

/// The bytes of a TEXT or BLOB column as SQLite holds them, borrowed: valid only while the statement stays on
/// its row (inside ``StoredRow/withText(atIndex:_:)``), so that reading a column costs no copy unless one is
/// asked for.
struct StoredText {
    private let bytes: UnsafeRawBufferPointer

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var count: Int { bytes.count }

    /// A hash of the bytes (stable within one process run).
    var hashValue: Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    /// Whether the bytes are exactly `other`.
    func equals(_ other: [UInt8]) -> Bool {
        guard other.count == bytes.count else { return false }
        return other.withUnsafeBytes { stored in
            guard let stored = stored.baseAddress, let text = bytes.baseAddress else { return true }
            return memcmp(stored, text, bytes.count) == 0
        }
    }

    /// The bytes, copied.
    func copy() -> [UInt8] { Array(bytes) }

    /// The bytes decoded as UTF-8 (invalid sequences replaced).
    var string: String { String(decoding: bytes, as: UTF8.self) }
}
