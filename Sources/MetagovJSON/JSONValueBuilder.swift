/// Builds the ``JSONValue`` of a scanned JSON text (``JSONValue/init(parsing:)-([UInt8])``).
///
/// Values and keys of the containers being read wait on shared stacks, so every container is allocated once at
/// its final size. Duplicate keys keep the last value.
struct JSONValueBuilder: JSONTextVisitor {
    /// Completed values whose container is still being read (the document's value at the end), innermost last.
    private var values: [JSONValue] = []
    /// Keys of the members in `values` that belong to objects.
    private var keys: [String] = []
    /// Where the values of each open container start in `values`, innermost last.
    private var starts: [Int] = []

    /// The document's value, once the scan returned.
    var value: JSONValue { values.first ?? .null }

    mutating func beginObject() { starts.append(values.count) }

    mutating func key(_ utf8: ArraySlice<UInt8>) { keys.append(String(decoding: utf8, as: UTF8.self)) }

    mutating func endObject() {
        let start = starts.removeLast()
        let count = values.count - start
        let firstKey = keys.count - count
        let object = JSONObject(zip(keys[firstKey...], values[start...]))
        keys.removeSubrange(firstKey...)
        values.removeSubrange(start...)
        values.append(.object(object))
    }

    mutating func beginArray() { starts.append(values.count) }

    mutating func endArray() {
        let start = starts.removeLast()
        let array = Array(values[start...])
        values.removeSubrange(start...)
        values.append(.array(array))
    }

    mutating func string(_ utf8: ArraySlice<UInt8>) { values.append(.string(String(decoding: utf8, as: UTF8.self))) }
    mutating func integer(_ value: Int) { values.append(.integer(value)) }
    mutating func number(_ value: Double) { values.append(.number(value)) }
    mutating func bool(_ value: Bool) { values.append(.bool(value)) }
    mutating func null() { values.append(.null) }
}
