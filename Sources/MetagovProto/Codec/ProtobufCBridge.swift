import MetagovProtoC

// The C bridge of the codec: the only file of MetagovProto that touches pointers. Generated code reads and
// writes fields through `ProtoReader` and `ProtoWriter` by their index in the protoc-c descriptor's field
// array (fields sorted by number), so it stays plain Swift.
//
// Ownership: a message being decoded or encoded lives in a `ProtoArena` (every string, array and sub-message of
// it too): protobuf-c unpacks into it through a `ProtobufCAllocator` whose `free` does nothing, and encoding
// builds the message in it. The arena starts in scratch memory on the caller's stack and takes heap blocks only
// for large messages; all of it is freed when `decode` or `encode` returns, so a `ProtoReader` or `ProtoWriter`
// never outlives it.

/// A protoc-c message descriptor (static C data, valid for the life of the process).
package struct ProtoDescriptor: @unchecked Sendable {
    let raw: UnsafePointer<ProtobufCMessageDescriptor>

    /// Looks the descriptor up in the generated table. A missing name is a generator bug (the Swift and C
    /// outputs of `scripts/generate-proto` disagree), never a runtime input.
    package init(fullName: String) {
        guard let raw = metagov_proto_message_descriptor(fullName) else {
            fatalError("no protobuf-c descriptor for \(fullName): run scripts/generate-proto")
        }
        self.raw = raw
    }

    /// The message's full name, e.g. `metagov.v1.Community`.
    package var fullName: String { String(cString: self.raw.pointee.name) }

    /// Field numbers in descriptor order (the indexes generated code uses).
    package var fieldNumbers: [Int] {
        (0..<Int(self.raw.pointee.n_fields)).map { Int(self.raw.pointee.fields[$0].id) }
    }
}

/// Decoding and encoding through protobuf-c.
package enum ProtobufC {
    /// Stands in for the field array of messages without fields (protoc-c leaves it NULL); never read.
    private nonisolated(unsafe) static let noFields = UnsafeMutablePointer<ProtobufCFieldDescriptor>.allocate(capacity: 1)

    static func fields(of descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> UnsafePointer<ProtobufCFieldDescriptor> {
        descriptor.pointee.fields.map { UnsafePointer($0) } ?? UnsafePointer(Self.noFields)
    }

    /// Unpacks `bytes` as a message of `descriptor` and hands a reader to `body`; nil if the bytes are not a
    /// valid encoding.
    static func decode<Result>(
        _ bytes: [UInt8], descriptor: ProtoDescriptor, _ body: (ProtoReader) -> Result
    ) -> Result? {
        bytes.withUnsafeBufferPointer { buffer -> Result? in
            guard !Self.nestsDeeperThan(maximumNesting, buffer, descriptor.raw) else { return nil }
            return ProtoArena.with { arena -> Result? in
                var allocator = ProtobufCAllocator(
                    alloc: arenaAllocate, free: arenaFree, allocator_data: Unmanaged.passUnretained(arena).toOpaque())
                // Everything unpacked (or half unpacked, on failure) is the arena's: nothing to free here.
                guard let message = protobuf_c_message_unpack(descriptor.raw, &allocator, buffer.count, buffer.baseAddress)
                else { return nil }
                return body(ProtoReader(message: UnsafeRawPointer(message)))
            }
        }
    }

    /// Deepest sub-message nesting accepted (protobuf's own default): protobuf-c unpacks recursively, so a
    /// hostile message nested a million deep would otherwise overflow the stack.
    package static let maximumNesting = 100

    /// Whether `bytes` nests sub-messages deeper than `limit`, found by an iterative scan of the wire
    /// format guided by the descriptors. Malformed input answers false and is left to protobuf-c to reject.
    static func nestsDeeperThan(
        _ limit: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ root: UnsafePointer<ProtobufCMessageDescriptor>
    ) -> Bool {
        // Every level of nesting takes at least two bytes (a tag and a length).
        guard bytes.count > 2 * limit else { return false }
        var ends: [(end: Int, descriptor: UnsafePointer<ProtobufCMessageDescriptor>)] = []
        var descriptor = root
        var end = bytes.count
        var position = 0

        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while position < end, shift < 64 {
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }

        while true {
            if position >= end {
                guard let parent = ends.popLast() else { return false }
                end = parent.end
                descriptor = parent.descriptor
                continue
            }
            guard let tag = varint() else { return false }
            switch tag & 7 {
            case 0:
                guard varint() != nil else { return false }
            case 1: position += 8
            case 5: position += 4
            case 2:
                guard let length = varint(), length <= UInt64(end - position) else { return false }
                let fieldEnd = position + Int(length)
                let number = UInt32(truncatingIfNeeded: tag >> 3)
                if let field = protobuf_c_message_descriptor_get_field(descriptor, number),
                    field.pointee.type == PROTOBUF_C_TYPE_MESSAGE, let child = field.pointee.descriptor
                {
                    if ends.count >= limit { return true }
                    ends.append((fieldEnd, descriptor))
                    descriptor = child.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                    end = fieldEnd
                } else {
                    position = fieldEnd
                }
            default: return false
            }
        }
    }

    /// Builds a message of `descriptor` with `body` and packs it.
    static func encode(descriptor: ProtoDescriptor, _ body: (inout ProtoWriter) -> Void) -> [UInt8] {
        // The message, its strings and sub-messages live in the arena: it must outlive the packing.
        ProtoArena.with { arena in
            var writer = ProtoWriter(arena: arena, descriptor: descriptor.raw)
            body(&writer)
            let message = UnsafePointer<ProtobufCMessage>(writer.base.assumingMemoryBound(to: ProtobufCMessage.self))
            let size = protobuf_c_message_get_packed_size(message)
            guard size > 0 else { return [] }
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                guard let out = buffer.baseAddress else {
                    count = 0
                    return
                }
                count = protobuf_c_message_pack(message, out)
            }
        }
    }

    /// Decodes a generated message (what its public `init(serializedBytes:)` calls).
    package static func decodeMessage<Message: ProtoCodable>(_ bytes: [UInt8]) throws(ProtoDecodingError) -> Message {
        guard let value = Self.decode(bytes, descriptor: Message.protoDescriptor, Message.init(protoReader:)) else {
            throw ProtoDecodingError(messageName: Message.protoDescriptor.fullName, byteCount: bytes.count)
        }
        return value
    }

    /// Encodes a generated message (what its public `serializedBytes()` calls).
    package static func encodeMessage<Message: ProtoCodable>(_ message: Message) -> [UInt8] {
        Self.encode(descriptor: Message.protoDescriptor) { writer in message.write(to: &writer) }
    }
}

/// protobuf-c's allocations while unpacking, from the arena passed as `allocator_data`.
private func arenaAllocate(_ data: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    guard let data else { return nil }
    return Unmanaged<ProtoArena>.fromOpaque(data).takeUnretainedValue().allocate(byteCount: size)
}

/// The arena frees everything at once.
private func arenaFree(_ data: UnsafeMutableRawPointer?, _ pointer: UnsafeMutableRawPointer?) {}

/// Memory for one message being decoded or encoded; freed all at once.
final class ProtoArena {
    private var blocks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0
    private static let blockSize = 2048
    /// Stack memory an arena starts with: enough for a typical request or response without a heap block.
    private static let scratchSize = 1024

    /// Runs `body` with an arena that lives until it returns, starting in scratch memory on the stack.
    static func with<Result>(_ body: (ProtoArena) -> Result) -> Result {
        withUnsafeTemporaryAllocation(byteCount: scratchSize, alignment: 16) { scratch in
            let arena = ProtoArena(scratch: scratch)
            return withExtendedLifetime(arena) { body(arena) }
        }
    }

    private init(scratch: UnsafeMutableRawBufferPointer) {
        self.cursor = scratch.baseAddress
        self.remaining = scratch.count
    }

    func allocate(byteCount: Int, alignment: Int = 16) -> UnsafeMutableRawPointer {
        let size = max(byteCount, 1)
        if size > Self.blockSize / 2 {
            let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: alignment)
            self.blocks.append(block)
            return block
        }
        if let cursor = self.cursor {
            let aligned = cursor.alignedUp(toMultipleOf: alignment)
            let padding = aligned - cursor
            if padding + size <= self.remaining {
                self.cursor = aligned + size
                self.remaining -= padding + size
                return aligned
            }
        }
        let block = UnsafeMutableRawPointer.allocate(byteCount: Self.blockSize, alignment: 16)
        self.blocks.append(block)
        self.cursor = block + size
        self.remaining = Self.blockSize - size
        return block
    }

    /// A NUL-terminated copy of `text`. (protobuf-c strings end at the first NUL: a string with an embedded
    /// NUL is cut there.)
    func cString(_ text: String) -> UnsafePointer<CChar> {
        var text = text
        return text.withUTF8 { utf8 in
            let memory = self.allocate(byteCount: utf8.count + 1, alignment: 1)
            if let source = utf8.baseAddress {
                memory.copyMemory(from: source, byteCount: utf8.count)
            }
            memory.storeBytes(of: 0, toByteOffset: utf8.count, as: UInt8.self)
            return UnsafePointer(memory.assumingMemoryBound(to: CChar.self))
        }
    }

    func binary(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        let memory = self.allocate(byteCount: bytes.count, alignment: 1)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { memory.copyMemory(from: base, byteCount: source.count) }
        }
        return ProtobufCBinaryData(len: bytes.count, data: memory.assumingMemoryBound(to: UInt8.self))
    }

    deinit {
        for block in self.blocks { block.deallocate() }
    }
}

/// Reads the fields of a decoded protobuf-c message. Only valid inside `init(protoReader:)`.
package struct ProtoReader {
    private let base: UnsafeRawPointer
    private let fields: UnsafePointer<ProtobufCFieldDescriptor>

    init(message: UnsafeRawPointer) {
        self.base = message
        self.fields = ProtobufC.fields(of: message.assumingMemoryBound(to: ProtobufCMessage.self).pointee.descriptor)
    }

    @inline(__always)
    private func load<T>(_ index: Int, as type: T.Type) -> T {
        self.base.load(fromByteOffset: Int(self.fields[index].offset), as: T.self)
    }

    @inline(__always)
    private func count(_ index: Int) -> Int {
        self.base.load(fromByteOffset: Int(self.fields[index].quantifier_offset), as: Int.self)
    }

    @inline(__always)
    private func array<T>(_ index: Int, as type: T.Type) -> UnsafeBufferPointer<T> {
        let start = self.load(index, as: UnsafePointer<T>?.self)
        return UnsafeBufferPointer(start: start, count: start == nil ? 0 : self.count(index))
    }

    package func int32(_ index: Int) -> Int32 { self.load(index, as: Int32.self) }
    package func uint32(_ index: Int) -> UInt32 { self.load(index, as: UInt32.self) }
    package func int64(_ index: Int) -> Int64 { self.load(index, as: Int64.self) }
    package func uint64(_ index: Int) -> UInt64 { self.load(index, as: UInt64.self) }
    package func float(_ index: Int) -> Float { self.load(index, as: Float.self) }
    package func double(_ index: Int) -> Double { self.load(index, as: Double.self) }
    package func bool(_ index: Int) -> Bool { self.load(index, as: Int32.self) != 0 }
    package func enumValue(_ index: Int) -> Int32 { self.load(index, as: Int32.self) }

    package func string(_ index: Int) -> String {
        guard let text = self.load(index, as: UnsafePointer<CChar>?.self) else { return "" }
        return String(cString: text)
    }

    package func bytes(_ index: Int) -> [UInt8] {
        let data = self.load(index, as: ProtobufCBinaryData.self)
        return Array(UnsafeBufferPointer(start: data.data, count: data.data == nil ? 0 : data.len))
    }

    package func message<M>(_ index: Int, _ make: (ProtoReader) -> M) -> M? {
        self.load(index, as: UnsafeRawPointer?.self).map { make(ProtoReader(message: $0)) }
    }

    /// The field number of the member set in the oneof that the field at `index` belongs to (0: none).
    package func oneofCase(_ index: Int) -> Int {
        Int(self.base.load(fromByteOffset: Int(self.fields[index].quantifier_offset), as: UInt32.self))
    }

    package func repeatedInt32s(_ index: Int) -> [Int32] { Array(self.array(index, as: Int32.self)) }
    package func repeatedUint32s(_ index: Int) -> [UInt32] { Array(self.array(index, as: UInt32.self)) }
    package func repeatedInt64s(_ index: Int) -> [Int64] { Array(self.array(index, as: Int64.self)) }
    package func repeatedUint64s(_ index: Int) -> [UInt64] { Array(self.array(index, as: UInt64.self)) }
    package func repeatedFloats(_ index: Int) -> [Float] { Array(self.array(index, as: Float.self)) }
    package func repeatedDoubles(_ index: Int) -> [Double] { Array(self.array(index, as: Double.self)) }
    package func repeatedBools(_ index: Int) -> [Bool] { self.array(index, as: Int32.self).map { $0 != 0 } }
    package func repeatedEnumValues(_ index: Int) -> [Int32] { Array(self.array(index, as: Int32.self)) }

    package func repeatedStrings(_ index: Int) -> [String] {
        self.array(index, as: UnsafePointer<CChar>?.self).map { $0.map { String(cString: $0) } ?? "" }
    }

    package func repeatedBytess(_ index: Int) -> [[UInt8]] {
        self.array(index, as: ProtobufCBinaryData.self).map {
            Array(UnsafeBufferPointer(start: $0.data, count: $0.data == nil ? 0 : $0.len))
        }
    }

    package func repeatedMessages<M>(_ index: Int, _ make: (ProtoReader) -> M) -> [M] {
        self.array(index, as: UnsafeRawPointer?.self).compactMap { $0.map { make(ProtoReader(message: $0)) } }
    }

    /// A map field (repeated entry messages); a later entry with the same key wins, as in protobuf.
    package func map<Key: Hashable, Value>(_ index: Int, _ entry: (ProtoReader) -> (Key, Value)) -> [Key: Value] {
        var result: [Key: Value] = [:]
        for (key, value) in entries(index, entry) { result[key] = value }
        return result
    }

    /// The entries of map field `index` in the order they came (a repeated key comes again).
    package func entries<Key, Value>(_ index: Int, _ entry: (ProtoReader) -> (Key, Value)) -> [(Key, Value)] {
        self.array(index, as: UnsafeRawPointer?.self).compactMap { message in message.map { entry(ProtoReader(message: $0)) } }
    }
}

/// Writes the fields of a protobuf-c message being built. Only valid inside `write(to:)`.
package struct ProtoWriter {
    private let arena: ProtoArena
    let base: UnsafeMutableRawPointer
    private let fields: UnsafePointer<ProtobufCFieldDescriptor>

    init(arena: ProtoArena, descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        self.arena = arena
        self.base = arena.allocate(byteCount: descriptor.pointee.sizeof_message)
        self.fields = ProtobufC.fields(of: descriptor)
        protobuf_c_message_init(descriptor, self.base)
    }

    @inline(__always)
    private func store<T>(_ index: Int, _ value: T) {
        self.base.storeBytes(of: value, toByteOffset: Int(self.fields[index].offset), as: T.self)
    }

    private func storeArray<T>(_ index: Int, _ values: some Collection<T>) {
        let memory = self.arena.allocate(
            byteCount: MemoryLayout<T>.stride * values.count, alignment: MemoryLayout<T>.alignment)
        let typed = memory.bindMemory(to: T.self, capacity: values.count)
        for (offset, value) in values.enumerated() {
            (typed + offset).initialize(to: value)
        }
        self.base.storeBytes(of: values.count, toByteOffset: Int(self.fields[index].quantifier_offset), as: Int.self)
        self.store(index, UnsafePointer<T>(typed))
    }

    private func child(_ index: Int) -> ProtoWriter {
        let descriptor = self.fields[index].descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
        return ProtoWriter(arena: self.arena, descriptor: descriptor)
    }

    package func setInt32(_ index: Int, _ value: Int32) { self.store(index, value) }
    package func setUint32(_ index: Int, _ value: UInt32) { self.store(index, value) }
    package func setInt64(_ index: Int, _ value: Int64) { self.store(index, value) }
    package func setUint64(_ index: Int, _ value: UInt64) { self.store(index, value) }
    package func setFloat(_ index: Int, _ value: Float) { self.store(index, value) }
    package func setDouble(_ index: Int, _ value: Double) { self.store(index, value) }
    package func setBool(_ index: Int, _ value: Bool) { self.store(index, Int32(value ? 1 : 0)) }
    package func setEnumValue(_ index: Int, _ value: Int32) { self.store(index, value) }
    package func setString(_ index: Int, _ value: String) { self.store(index, self.arena.cString(value)) }
    package func setBytes(_ index: Int, _ value: [UInt8]) { self.store(index, self.arena.binary(value)) }

    package func setMessage<M: ProtoCodable>(_ index: Int, _ value: M) {
        var child = self.child(index)
        value.write(to: &child)
        self.store(index, UnsafeRawPointer(child.base))
    }

    /// Marks the field at `index` as the member set in its oneof.
    package func setOneofCase(_ index: Int) {
        self.base.storeBytes(
            of: UInt32(self.fields[index].id), toByteOffset: Int(self.fields[index].quantifier_offset), as: UInt32.self)
    }

    package func setRepeatedInt32s(_ index: Int, _ values: [Int32]) { self.storeArray(index, values) }
    package func setRepeatedUint32s(_ index: Int, _ values: [UInt32]) { self.storeArray(index, values) }
    package func setRepeatedInt64s(_ index: Int, _ values: [Int64]) { self.storeArray(index, values) }
    package func setRepeatedUint64s(_ index: Int, _ values: [UInt64]) { self.storeArray(index, values) }
    package func setRepeatedFloats(_ index: Int, _ values: [Float]) { self.storeArray(index, values) }
    package func setRepeatedDoubles(_ index: Int, _ values: [Double]) { self.storeArray(index, values) }
    package func setRepeatedBools(_ index: Int, _ values: [Bool]) {
        self.storeArray(index, values.lazy.map { Int32($0 ? 1 : 0) })
    }
    package func setRepeatedEnumValues(_ index: Int, _ values: [Int32]) { self.storeArray(index, values) }

    package func setRepeatedStrings(_ index: Int, _ values: [String]) {
        self.storeArray(index, values.lazy.map { Optional(self.arena.cString($0)) })
    }

    package func setRepeatedBytess(_ index: Int, _ values: [[UInt8]]) {
        self.storeArray(index, values.lazy.map { self.arena.binary($0) })
    }

    package func setRepeatedMessages<M: ProtoCodable>(_ index: Int, _ values: [M]) {
        self.storeArray(
            index,
            values.lazy.map { value -> UnsafeRawPointer? in
                var child = self.child(index)
                value.write(to: &child)
                return UnsafeRawPointer(child.base)
            })
    }

    /// A map field, written as entry messages in key order (so equal maps encode to equal bytes).
    package func setMap<Key: Comparable, Value>(
        _ index: Int, _ values: [Key: Value], _ entry: (ProtoWriter, Key, Value) -> Void
    ) {
        self.setEntries(index, values.positionsInKeyOrder) { child, position in
            let (key, value) = values[position]
            entry(child, key, value)
        }
    }

    /// Sets map field `index` to one entry per element of `elements`, in their order.
    package func setEntries<Elements: Collection>(
        _ index: Int, _ elements: Elements, _ entry: (ProtoWriter, Elements.Element) -> Void
    ) {
        self.storeArray(
            index,
            elements.map { element -> UnsafeRawPointer? in
                let child = self.child(index)
                entry(child, element)
                return UnsafeRawPointer(child.base)
            })
    }
}
