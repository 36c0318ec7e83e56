/// The members of a JSON object: unique keys, each with its value, kept in key order.
///
/// It reads like a `[String: JSONValue]` (`object["key"]`, `for (key, value) in object`, `keys`, `values`,
/// `mapValues`, dictionary literals) but holds its members in one array sorted by key: a lookup compares a few
/// keys instead of hashing one, building an object allocates once, and writing it in key order (JSON text,
/// protobuf maps) needs no sorting. The objects a gateway passes around are small (parameters, outcomes, event
/// data); a large one costs O(log n) per lookup and O(n) per member added one at a time, so code that builds
/// large objects builds them whole (from an array of members, ``mapValues(_:)``, ``filter(_:)``), not key by key.
///
/// Keys are ordered and compared as Swift strings (as dictionary keys are: canonically equivalent keys are
/// the same key).
public struct JSONObject: Sendable {
    /// One member.
    public typealias Member = (key: String, value: JSONValue)

    /// Key and value of each member, sorted by key, no key twice. (Unlabelled, as dictionary literals pass them:
    /// an array of members already in key order is kept as it is.)
    private var members: [(String, JSONValue)]

    /// The empty object.
    public init() { members = [] }

    /// The object of `members`, in any order; a repeated key keeps its last value.
    public init(_ members: [(String, JSONValue)]) {
        self.members = Self.sortedUnique(members)
    }

    /// The object of `members`, in any order; a repeated key keeps its last value.
    @inlinable
    public init<S: Sequence>(_ members: S) where S.Element == (String, JSONValue) {
        self.init(Array(members))
    }

    /// The object of `members`, in any order; a repeated key keeps its last value.
    @inlinable
    public init<S: Sequence>(_ members: S) where S.Element == (key: String, value: JSONValue) {
        self.init(members.map { ($0.key, $0.value) })
    }

    /// The object of a dictionary's members.
    public init(_ dictionary: [String: JSONValue]) {
        members = dictionary.map { ($0.key, $0.value) }
        members.sort { $0.0 < $1.0 }
    }

    /// The members as a dictionary.
    public var dictionary: [String: JSONValue] {
        var dictionary = [String: JSONValue](minimumCapacity: members.count)
        for (key, value) in members { dictionary[key] = value }
        return dictionary
    }

    /// The keys, in order.
    public var keys: LazyMapCollection<[(String, JSONValue)], String> { members.lazy.map(\.0) }

    /// The values, in key order.
    public var values: LazyMapCollection<[(String, JSONValue)], JSONValue> { members.lazy.map(\.1) }

    /// The value of `key`; setting `nil` removes the member.
    public subscript(key: String) -> JSONValue? {
        get {
            let (position, found) = search(key)
            guard found else { return Optional.none }
            return members[position].1
        }
        set { updateOrRemove(key, newValue) }
    }

    /// The value of `key`, or `defaultValue` when there is none (setting adds or replaces the member).
    public subscript(key: String, default defaultValue: @autoclosure () -> JSONValue) -> JSONValue {
        get { self[key] ?? defaultValue() }
        set { updateOrRemove(key, newValue) }
    }

    /// Sets `key` to `value`; returns the value it replaced.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey key: String) -> JSONValue? {
        let (position, found) = search(key)
        if found {
            let old = members[position].1
            members[position].1 = value
            return old
        }
        members.insert((key, value), at: position)
        return nil
    }

    /// Removes the member `key`; returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        let (position, found) = search(key)
        guard found else { return nil }
        return members.remove(at: position).1
    }

    /// The object with every value transformed.
    public func mapValues(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        var mapped = self
        for position in mapped.members.indices { mapped.members[position].1 = try transform(members[position].1) }
        return mapped
    }

    /// The members `isIncluded` keeps.
    public func filter(_ isIncluded: (Member) throws -> Bool) rethrows -> JSONObject {
        var kept = JSONObject()
        kept.members = try members.filter { try isIncluded((key: $0.0, value: $0.1)) }
        return kept
    }

    /// This object with the members of `other` added; a key in both takes `combine(mine, theirs)`.
    public func merging(_ other: JSONObject, uniquingKeysWith combine: (JSONValue, JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        var merged: [(String, JSONValue)] = []
        merged.reserveCapacity(members.count + other.members.count)
        var (mine, theirs) = (members[...], other.members[...])
        while let first = mine.first, let second = theirs.first {
            if first.0 < second.0 {
                merged.append(first)
                mine = mine.dropFirst()
            } else if second.0 < first.0 {
                merged.append(second)
                theirs = theirs.dropFirst()
            } else {
                merged.append((first.0, try combine(first.1, second.1)))
                mine = mine.dropFirst()
                theirs = theirs.dropFirst()
            }
        }
        merged += mine
        merged += theirs
        var result = JSONObject()
        result.members = merged
        return result
    }

    /// Adds the members of `other`; a key in both takes `combine(mine, theirs)`.
    public mutating func merge(_ other: JSONObject, uniquingKeysWith combine: (JSONValue, JSONValue) throws -> JSONValue) rethrows {
        self = try merging(other, uniquingKeysWith: combine)
    }

    /// Where `key` is, or where it would go.
    private func search(_ key: String) -> (position: Int, found: Bool) {
        var low = 0, high = members.count
        while low < high {
            let middle = (low + high) / 2
            let candidate = members[middle].0
            if candidate < key {
                low = middle + 1
            } else if key < candidate {
                high = middle
            } else {
                return (middle, true)
            }
        }
        return (low, false)
    }

    private mutating func updateOrRemove(_ key: String, _ value: JSONValue?) {
        if let value { updateValue(value, forKey: key) } else { removeValue(forKey: key) }
    }

    /// `members` sorted by key, the last of each repeated key kept.
    private static func sortedUnique(_ members: [(String, JSONValue)]) -> [(String, JSONValue)] {
        if isSortedUnique(members) { return members }
        let sorted = members.sorted { $0.0 < $1.0 }
        if isSortedUnique(sorted) { return sorted }
        // A key comes more than once (rare): positions break ties, so the last of each run is the one kept.
        var unique: [(String, JSONValue)] = []
        let byKeyThenPosition = members.enumerated()
            .sorted { $0.element.0 < $1.element.0 || (!($1.element.0 < $0.element.0) && $0.offset < $1.offset) }
        for (_, member) in byKeyThenPosition {
            if let last = unique.last, !(last.0 < member.0) {
                unique[unique.count - 1] = member
            } else {
                unique.append(member)
            }
        }
        return unique
    }

    /// Whether each key is greater than the one before it (sorted, no key twice).
    private static func isSortedUnique(_ members: [(String, JSONValue)]) -> Bool {
        zip(members, members.dropFirst()).allSatisfy { $0.0 < $1.0 }
    }
}

extension JSONObject: RandomAccessCollection {
    /// The position of the first member (the one with the smallest key).
    public var startIndex: Int { members.startIndex }
    /// The position after the last member.
    public var endIndex: Int { members.endIndex }
    /// The member at `position`, in key order.
    public subscript(position: Int) -> Member {
        let (key, value) = members[position]
        return (key: key, value: value)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// A repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

extension JSONObject: Hashable {
    /// The same keys with equal values (as JSON values compare: `1 == 1.0`).
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// Hashes the members in key order, so equal objects hash alike however they were built.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for (key, value) in members {
            hasher.combine(key)
            hasher.combine(value)
        }
    }
}

extension JSONObject: CustomStringConvertible {
    /// Like a dictionary's description, in key order.
    public var description: String {
        members.isEmpty ? "[:]" : "[" + members.map { "\(String(reflecting: $0.0)): \($0.1)" }.joined(separator: ", ") + "]"
    }
}
