import MetagovHTTP2

/// gRPC metadata: an ordered list of (name, value) pairs, as carried in HTTP/2 headers and
/// trailers.
///
/// Names are lowercased on insertion. Names ending in `-bin` carry raw bytes, which travel
/// base64-encoded on the wire (sent unpadded; padded and unpadded are both accepted).
/// Reserved names (`:`-prefixed pseudo headers, `content-type`, `te`, `user-agent` and
/// anything starting with `grpc-`) are never sent from metadata.
public struct GRPCMetadata: Sendable, Hashable, Sequence, CustomStringConvertible {
    /// A metadata value: text, or bytes for `-bin` names.
    public enum Value: Sendable, Hashable {
        case string(String)
        case binary([UInt8])
    }

    /// One metadata entry.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var value: Value
    }

    @usableFromInline
    var entries: [Entry]

    /// Empty metadata.
    public init() {
        self.entries = []
    }

    /// Metadata from (name, text value) pairs.
    public init(_ pairs: [(String, String)]) {
        self.entries = []
        for (name, value) in pairs { self.add(name, value) }
    }

    /// The first text value for `name` (case-insensitive). For `-bin` entries the value is
    /// returned base64-encoded.
    public subscript(name: String) -> String? {
        let key = name.lowercased()
        for entry in self.entries where entry.name == key {
            return entry.value.textValue
        }
        return nil
    }

    /// All text values for `name`, in order (`-bin` values base64-encoded).
    public func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return self.entries.lazy.filter { $0.name == key }.map { $0.value.textValue }
    }

    /// The first binary value for `name` (which should end in `-bin`).
    public func binary(_ name: String) -> [UInt8]? {
        let key = name.lowercased()
        for entry in self.entries where entry.name == key {
            switch entry.value {
            case .binary(let bytes): return bytes
            case .string(let text): return Base64.decode(text) ?? Array(text.utf8)
            }
        }
        return nil
    }

    /// Appends a text entry. If `name` ends in `-bin`, `value` is taken as base64 (if it is
    /// not valid base64, its UTF-8 bytes are stored).
    public mutating func add(_ name: String, _ value: String) {
        let key = name.lowercased()
        if key.hasSuffix("-bin") {
            self.entries.append(Entry(name: key, value: .binary(Base64.decode(value) ?? Array(value.utf8))))
        } else {
            self.entries.append(Entry(name: key, value: .string(value)))
        }
    }

    /// Appends a binary entry. `-bin` is appended to `name` if it does not already end with it.
    public mutating func addBinary(_ name: String, _ bytes: [UInt8]) {
        var key = name.lowercased()
        if !key.hasSuffix("-bin") { key += "-bin" }
        self.entries.append(Entry(name: key, value: .binary(bytes)))
    }

    /// Removes every entry named `name`.
    public mutating func remove(_ name: String) {
        let key = name.lowercased()
        self.entries.removeAll { $0.name == key }
    }

    /// Appends all entries of `other`.
    public mutating func merge(_ other: GRPCMetadata) {
        self.entries.append(contentsOf: other.entries)
    }

    public var count: Int { self.entries.count }
    public var isEmpty: Bool { self.entries.isEmpty }

    public func makeIterator() -> IndexingIterator<[Entry]> {
        self.entries.makeIterator()
    }

    public var description: String {
        "[" + self.entries.map { "\($0.name): \($0.value.textValue)" }.joined(separator: ", ") + "]"
    }

    // MARK: wire conversion

    /// Adds a header received from the wire (binary values are base64-decoded; entries with
    /// undecodable binary values are dropped).
    mutating func addFromWire(name: String, value: String) {
        if name.hasSuffix("-bin") {
            if let bytes = Base64.decode(value) {
                self.entries.append(Entry(name: name, value: .binary(bytes)))
            }
        } else {
            self.entries.append(Entry(name: name, value: .string(value)))
        }
    }

    /// Appends the entries as HTTP/2 headers, skipping reserved and invalid ones, and those that would take
    /// the appended fields past `budget` bytes (counted as HTTP/2 does: name + value + 32 per field).
    func appendHeaders(to headers: inout [HTTP2Header], budget: Int = .max) {
        var used = 0
        for entry in self.entries {
            guard GRPCMetadata.isSendableName(entry.name) else { continue }
            let header: HTTP2Header
            switch entry.value {
            case .string(let text):
                guard GRPCMetadata.isValidTextValue(text) else { continue }
                header = HTTP2Header(entry.name, text)
            case .binary(let bytes):
                header = HTTP2Header(entry.name, Base64.encode(bytes))
            }
            let size = header.name.utf8.count + header.value.utf8.count + 32
            guard size <= budget - used else { continue }
            used += size
            headers.append(header)
        }
    }

    /// Whether a received header name is reserved (not exposed as custom metadata).
    static func isReserved(_ name: String) -> Bool {
        if name.utf8.first == UInt8(ascii: ":") { return true }
        switch name {
        case "content-type", "te", "user-agent", "content-length", "connection", "host":
            return true
        default:
            return name.hasPrefix("grpc-")
        }
    }

    static func isSendableName(_ name: String) -> Bool {
        if name.isEmpty || self.isReserved(name) { return false }
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// Printable ASCII without leading or trailing spaces (HTTP/2 peers reset streams carrying such values).
    static func isValidTextValue(_ value: String) -> Bool {
        for byte in value.utf8 where byte < 0x20 || byte > 0x7E {
            return false
        }
        return value.utf8.first != UInt8(ascii: " ") && value.utf8.last != UInt8(ascii: " ")
    }
}

extension GRPCMetadata.Value {
    /// Text form: the string, or base64 for binary values.
    public var textValue: String {
        switch self {
        case .string(let text): return text
        case .binary(let bytes): return Base64.encode(bytes)
        }
    }
}
