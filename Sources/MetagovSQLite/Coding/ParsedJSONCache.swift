import Foundation
import MetagovCore
import Synchronization

/// Parsed JSON documents by their stored text, so that reading a row whose JSON did not change since it was
/// last read costs a hash and a comparison of its bytes instead of a parse.
///
/// Content-addressed, so it is never stale: a changed row has different bytes. It is bounded (documents up to
/// ``maxDocumentBytes``, ``maxTotalBytes`` in all; when full it starts over) and shared by every connection of
/// a store.
final class ParsedJSONCache: Sendable {
    /// Larger documents are parsed on every read.
    let maxDocumentBytes: Int
    /// The cache empties itself when the documents it holds reach this size.
    let maxTotalBytes: Int

    private struct Entry: Sendable {
        let bytes: [UInt8]
        let value: JSONValue
    }

    private struct Contents: Sendable {
        var entries: [Int: Entry] = [:]
        var bytes = 0
    }

    private let contents = Mutex(Contents())

    init(maxDocumentBytes: Int = 16 << 10, maxTotalBytes: Int = 8 << 20) {
        self.maxDocumentBytes = maxDocumentBytes
        self.maxTotalBytes = maxTotalBytes
    }

    /// The document `text` (a column's UTF-8 bytes, valid only during the call) parsed.
    func value(of text: StoredText) throws -> JSONValue {
        guard text.count <= maxDocumentBytes else { return try JSONValue(parsing: text.copy()) }
        let key = text.hashValue
        let cached = contents.withLock { contents -> JSONValue? in
            guard let entry = contents.entries[key], text.equals(entry.bytes) else { return nil }
            return entry.value
        }
        if let cached { return cached }
        let bytes = text.copy()
        let value = try JSONValue(parsing: bytes)
        contents.withLock { contents in
            if contents.bytes + bytes.count > maxTotalBytes { contents = Contents() }
            if let replaced = contents.entries.updateValue(Entry(bytes: bytes, value: value), forKey: key) {
                contents.bytes -= replaced.bytes.count
            }
            contents.bytes += bytes.count
        }
        return value
    }
}
